import FaroBackup
import FaroGuest
import FaroLXC
import FaroModel
import FaroQemu
import FaroStorage
import FaroSupport
import Foundation

/// vzdump: backs guests of this node up into Proxmox's archive formats on a storage, with the
/// log, notes, protection and pruning Proxmox gives them. One run is one task.
public struct VZDumpService: Sendable {
    public let nodeName: String
    public let vms: VMService
    public let containers: ContainerManager
    public let storage: StorageService
    public let runner: any CommandRunner
    public let clock: @Sendable () -> Int
    /// One vzdump run at a time on a node, as Proxmox's global lock has it.
    let runLock = RunLock()

    public init(
        nodeName: String, vms: VMService, containers: ContainerManager, storage: StorageService, runner: any CommandRunner,
        clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.nodeName = nodeName
        self.vms = vms
        self.containers = containers
        self.storage = storage
        self.runner = runner
        self.clock = clock
    }

    /// Whether `vmid` is a VM or a container of this node; nil when it is neither.
    public func guestType(_ vmid: VMID) async -> BackupArchive.GuestType? {
        if (try? await vms.read(vmid)) != nil { return .qemu }
        if (try? await containers.read(vmid)) != nil { return .lxc }
        return nil
    }

    /// The directory archives go to, checked before any guest is touched.
    public func dumpDirectory(_ options: VZDumpOptions) async throws -> String {
        if let directory = options.dumpDirectory { return directory }
        let id = options.storage ?? "local"
        let plugin = try await storage.plugin(id)
        guard storage.content(of: plugin.definition).contains(.backup) else {
            throw VZDumpError.parameter("storage", "storage '\(id)' does not support backups")
        }
        guard let files = plugin as? any FileStorage else {
            throw VZDumpError.parameter("storage", "storage '\(id)' does not hold files")
        }
        try await plugin.activate()
        let directory = files.layout.directory(.backup)
        try FileIO.makeDirectory(directory)
        return directory
    }

    /// Backs up each guest in turn and logs the run as Proxmox does; true when all succeeded.
    public func run(_ guests: [VMID], options: VZDumpOptions, log: @escaping @Sendable (String) -> Void) async throws -> Bool {
        try await runLock.withLock {
            log("INFO: starting new backup job: \(options.commandLine)")
            let directory = try await dumpDirectory(options)
            var failed = false
            for vmid in guests {
                log("INFO: Starting Backup of VM \(vmid) (\(await guestType(vmid)?.rawValue ?? "unknown"))")
                log("INFO: Backup started at \(LocalTime.format(clock(), "%Y-%m-%d %H:%M:%S"))")
                let result = await backup(vmid, options: options, directory: directory, log: log)
                if let error = result.error {
                    failed = true
                    log("ERROR: Backup of VM \(vmid) failed - \(error)")
                    log("INFO: Failed at \(LocalTime.format(clock(), "%Y-%m-%d %H:%M:%S"))")
                } else {
                    log("INFO: Backup finished at \(LocalTime.format(clock(), "%Y-%m-%d %H:%M:%S"))")
                }
            }
            log(failed ? "INFO: Backup job finished with errors" : "INFO: Backup job finished successfully")
            return !failed
        }
    }

    /// One guest: archive, log file, notes, protection, pruning.
    func backup(_ vmid: VMID, options: VZDumpOptions, directory: String, log task: @escaping @Sendable (String) -> Void) async
        -> GuestBackupResult
    {
        let log = GuestLog(task: task, clock: clock)
        let started = clock()
        guard let type = await guestType(vmid) else {
            return GuestBackupResult(vmid: vmid, error: "unable to find configuration file for VM \(vmid) on node '\(nodeName)'")
        }
        let base = "vzdump-\(type.rawValue)-\(vmid)-" + LocalTime.format(started, "%Y_%m_%d-%H_%M_%S")
        let archiveName = base + (type == .qemu ? ".vma" : ".tar") + options.compression.suffix
        let archivePath = directory + "/" + archiveName
        do {
            // Work files beside the archives, as Proxmox keeps them, unless `tmpdir` says otherwise.
            let work = (options.temporaryDirectory ?? directory) + "/\(base).tmp"
            try FileIO.makeDirectory(work, mode: 0o700)
            defer { FileIO.removeTree(work) }
            let size: Int64
            if type == .qemu {
                size = try await backupVM(vmid, options: options, archive: archivePath, work: work, log: log)
            } else {
                size = try await backupContainer(vmid, options: options, archive: archivePath, work: work, log: log)
            }
            log.info("archive file size: \(Figures.archiveSize(size))")
            try await finishArchive(archivePath, vmid: vmid, type: type, options: options, log: log)
            log.info("Finished Backup of VM \(vmid) (\(Figures.duration(clock() - started)))")
            try? FileIO.writeAtomically(directory + "/" + base + ".log", Array(log.text.utf8))
            return GuestBackupResult(vmid: vmid, archive: archivePath)
        } catch {
            log.error("Backup of VM \(vmid) failed - \(error)")
            try? FileIO.writeAtomically(directory + "/" + base + ".log", Array(log.text.utf8))
            return GuestBackupResult(vmid: vmid, error: "\(error)")
        }
    }
}

/// Lets one run at a time through; the others wait their turn.
actor RunLock {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Runs `body`, then `cleanup` whether it threw or not (an async `defer`).
func ensuring<T: Sendable>(_ body: () async throws -> T, finally cleanup: () async -> Void) async throws -> T {
    do {
        let value = try await body()
        await cleanup()
        return value
    } catch {
        await cleanup()
        throw error
    }
}
