import FaroSupport

/// Failures of the storage layer. Each case names the storage, volume or option involved; the
/// API layer turns them into Proxmox's wording and status codes.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A bad option value (the API reports it as a parameter error on `option`).
    case invalidOption(String, String)
    case noSuchStorage(String)
    case storageExists(String)
    case notAvailableOnNode(storage: String, node: String)
    case disabled(String)
    case unsupportedType(String)
    case unsupportedContent(storage: String, content: String)
    case invalidVolumeID(String)
    case unparsableVolumeName(String)
    case noSuchVolume(String)
    case volumeExists(String)
    case unsupported(storage: String, operation: String)
    case protected(String)
    case commandFailed(command: String, status: Int32, stderr: String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidOption(let option, let message): return "\(option): \(message)"
        case .noSuchStorage(let id): return "storage '\(id)' does not exist"
        case .storageExists(let id): return "storage ID '\(id)' already defined"
        case .notAvailableOnNode(let storage, let node): return "storage '\(storage)' is not available on node '\(node)'"
        case .disabled(let id): return "storage '\(id)' is disabled"
        case .unsupportedType(let type): return "storage type '\(type)' is not supported by this node"
        case .unsupportedContent(let storage, let content):
            return "storage '\(storage)' does not support content-type '\(content)'"
        case .invalidVolumeID(let volid): return "unable to parse volume ID '\(volid)'"
        case .unparsableVolumeName(let name): return "unable to parse directory volume name '\(name)'"
        case .noSuchVolume(let volid): return "volume '\(volid)' does not exist"
        case .volumeExists(let volid): return "volume '\(volid)' already exists"
        case .unsupported(let storage, let operation): return "\(operation) is not supported on storage '\(storage)'"
        case .protected(let volid): return "volume '\(volid)' is protected"
        case .commandFailed(let command, let status, let stderr):
            let tail = stderr.split(separator: "\n").suffix(3).joined(separator: "\n")
            return "command '\(command)' failed: exit code \(status)" + (tail.isEmpty ? "" : "\n\(tail)")
        case .io(let message): return message
        }
    }
}
