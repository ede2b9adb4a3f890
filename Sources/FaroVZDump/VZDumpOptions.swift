import FaroBackup
import FaroModel
import FaroStorage

/// How a vzdump run backs guests up: the API's and CLI's parameters after validation.
public struct VZDumpOptions: Sendable {
    public enum Mode: String, Sendable { case snapshot, suspend, stop }

    public var mode: Mode = .snapshot
    public var compression: BackupCompression = .none
    public var zstdThreads = 1
    /// The target storage; nil with `dumpdir`.
    public var storage: String?
    public var dumpDirectory: String?
    /// Prune the guest's older backups afterwards (`remove`).
    public var remove = true
    /// `prune-backups` given for this run; nil uses the storage's.
    public var pruneBackups: String?
    /// `prune-backups` of the node's `vzdump.conf`, used when neither the run nor the storage sets one.
    public var nodePruneBackups: String?
    public var isProtected = false
    public var notesTemplate: String?
    /// Minutes to wait for a guest to stop (`stopwait`).
    public var stopWait = 10
    public var temporaryDirectory: String?
    public var standardExcludes = true
    public var excludePaths: [String] = []
    /// The command line the run is equivalent to, for the task log's first line.
    public var commandLine = "vzdump"

    public init() {}
}

/// One guest's outcome in a run.
public struct GuestBackupResult: Sendable {
    public var vmid: VMID
    public var archive: String?
    public var error: String?
}

/// Errors of a run that concern its parameters or guests rather than the archive format.
public enum VZDumpError: Error, Sendable, CustomStringConvertible {
    case parameter(String, String)
    case failed(String)

    public var description: String {
        switch self {
        case .parameter(let name, let text): return "\(name): \(text)"
        case .failed(let text): return text
        }
    }
}
