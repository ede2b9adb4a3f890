import FaroBackup
import FaroModel
import FaroQemu
import FaroStorage
import FaroSupport
import Foundation

/// A VM's backup: the disks into a VMA archive, streamed through the compressor.
extension VZDumpService {
    func backupVM(_ vmid: VMID, options: VZDumpOptions, archive: String, work: String, log: GuestLog) async throws -> Int64 {
        let config = try await vms.read(vmid).config
        if let lock = config.lock { throw VZDumpError.failed("VM is locked (\(lock))") }
        let running = await vms.isRunning(vmid)
        log.info("status = \(running ? "running" : "stopped")")
        if let name = config["name"] { log.info("VM Name: \(name)") }
        let selection = try VMDiskSelection(config)
        selection.notes.forEach(log.info)
        let mode = running ? options.mode : .stop
        log.info("backup mode: \(mode.rawValue)")
        try await vms.update(vmid) { config in
            if let lock = config.lock { throw VZDumpError.failed("VM is locked (\(lock))") }
            config["lock"] = "backup"
        }
        return try await ensuring {
            try await backupLockedVM(vmid, config, selection, running: running, mode: mode, options: options, archive: archive, work: work, log: log)
        } finally: {
            try? await vms.update(vmid) { if $0.lock == "backup" { $0["lock"] = nil } }
        }
    }

    private func backupLockedVM(
        _ vmid: VMID, _ config: VMConfig, _ selection: VMDiskSelection, running: Bool, mode: VZDumpOptions.Mode, options: VZDumpOptions,
        archive: String, work: String, log: GuestLog
    ) async throws -> Int64 {
        var formats: [String: String] = [:]
        for disk in selection.included { formats[disk.key] = try await imageSource(disk.volume).format }
        let configText = try VMDiskSelection.archiveConfig(config, disks: selection.included.map { ($0, formats[$0.key]!) })
        log.info("creating vzdump archive '\(archive)'")
        if running && mode != .stop {
            return try await backupRunning(vmid, selection, configText, options: options, archive: archive, work: work, log: log)
        }
        guard running else { return try await backupStopped(selection, configText, options: options, archive: archive, work: work, log: log) }
        // `stop`: an orderly shutdown, then QEMU again in its prelaunch state just long enough
        // to set the point-in-time view up; the guest boots while its disks are copied.
        let started = clock()
        log.info("stopping virtual guest")
        try await vms.shutdown(vmid, skiplock: true, timeout: options.stopWait * 60, forceStop: true)
        log.info("starting kvm to execute backup task")
        do {
            try await vms.start(vmid, skiplock: true, paused: true)
        } catch {
            log.info("restarting virtual guest")
            do { try await vms.start(vmid, skiplock: true) } catch { log.error("unable to restart VM \(vmid) - \(error)") }
            throw error
        }
        return try await backupRunning(vmid, selection, configText, options: options, archive: archive, work: work, log: log) {
            log.info("guest is online again after \(clock() - started) seconds")
        }
    }

    /// A stopped VM: raw images are read directly, other formats through `qemu-nbd`.
    func backupStopped(
        _ selection: VMDiskSelection, _ configText: String, options: VZDumpOptions, archive: String, work: String, log: GuestLog
    ) async throws -> Int64 {
        var servers: [Int32] = []
        defer { for pid in servers { kill(pid, SIGTERM) } }
        var sources: [(key: String, open: @Sendable () throws(BackupError) -> any DiskReader)] = []
        for disk in selection.included {
            let source = try await imageSource(disk.volume)
            if source.format == "raw" {
                let path = source.path
                sources.append((disk.key, { () throws(BackupError) in try RawDisk(path: path) }))
            } else {
                let socket = work + "/nbd-\(disk.key).sock", pidFile = work + "/nbd-\(disk.key).pid"
                try await runner.checked([
                    "qemu-nbd", "--fork", "--persistent", "--read-only", "--pid-file", pidFile, "-f", source.format, "-k", socket,
                    source.path,
                ])
                if let pid = Int32((try? FileIO.readText(pidFile))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                    servers.append(pid)
                }
                sources.append((disk.key, { () throws(BackupError) in try NBDDisk(socketPath: socket, export: "") }))
            }
        }
        return try await writeVMA(selection, configText, sources: sources, options: options, archive: archive, log: log)
    }

    /// A running VM: the disks as they were when the fleecing view was set up, read while the
    /// guest goes on. `suspend` pauses it for the setup only; in `stop` mode it arrives paused
    /// (prelaunch) and runs once the view is set up (`resumed` is called then).
    func backupRunning(
        _ vmid: VMID, _ selection: VMDiskSelection, _ configText: String, options: VZDumpOptions, archive: String, work: String,
        log: GuestLog, resumed: () -> Void = {}
    ) async throws -> Int64 {
        let fleece = VMFleece(vmid: vmid, vms: vms, runner: runner, work: work, disks: selection.included)
        let config = try await vms.read(vmid).config
        if options.mode == .suspend {
            log.info("suspending guest")
            try await vms.runtime.withMonitor(vmid) { try await $0.stop() }
        }
        var frozen = false
        if options.mode == .snapshot && config.agentEnabled {
            do {
                _ = try await vms.agentCommand(vmid, "guest-fsfreeze-freeze", timeout: .seconds(30))
                frozen = true
                log.info("issuing guest-agent 'fs-freeze' command")
            } catch {
                log.warn("unable to freeze guest file systems: \(error)")
            }
        }
        let setUp: Result<[String: UInt64], any Error>
        do { setUp = .success(try await fleece.setUp()) } catch { setUp = .failure(error) }
        if frozen {
            log.info("issuing guest-agent 'fs-thaw' command")
            _ = try? await vms.agentCommand(vmid, "guest-fsfreeze-thaw", timeout: .seconds(30))
        }
        if options.mode != .snapshot {
            log.info("resuming VM again")
            do { try await vms.runtime.withMonitor(vmid) { try await $0.cont() } } catch { log.error("unable to resume VM \(vmid) - \(error)") }
            resumed()
        }
        _ = try setUp.get()
        let socket = fleece.socket
        let sources: [(key: String, open: @Sendable () throws(BackupError) -> any DiskReader)] = selection.included.map { disk in
            let name = disk.deviceName
            return (disk.key, { () throws(BackupError) in try NBDDisk(socketPath: socket, export: name) })
        }
        return try await ensuring {
            try await writeVMA(selection, configText, sources: sources, options: options, archive: archive, log: log)
        } finally: {
            await fleece.tearDown()
        }
    }

    /// Streams the disks into `archive` (written as `….dat`, renamed when complete) and logs
    /// progress as Proxmox does.
    func writeVMA(
        _ selection: VMDiskSelection, _ configText: String, sources: [(key: String, open: @Sendable () throws(BackupError) -> any DiskReader)],
        options: VZDumpOptions, archive: String, log: GuestLog
    ) async throws -> Int64 {
        let uuid = UUID()
        let uuidBytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        log.info("started backup task '\(uuid.uuidString.lowercased())'")
        let ctime = Int64(clock())
        let keys = sources.map(\.key), configBytes = Array(configText.utf8)
        let deviceNames = Dictionary(uniqueKeysWithValues: selection.included.map { ($0.key, $0.deviceName) })
        let temporary = Self.temporaryName(archive)
        let started = Date()
        let progress = ProgressLog(log: log, started: started)
        let size = try await ArchiveFile(runner: runner).write(
            to: temporary, compression: options.compression, zstdThreads: options.zstdThreads,
            producer: .stream { sink, cancel throws(BackupError) in
                let readers = try sources.map { source throws(BackupError) in try source.open() }
                let devices = keys.enumerated().map { index, key in
                    VMAHeader.Device(id: index + 1, name: deviceNames[key]!, size: readers[index].size)
                }
                let header = VMAHeader(uuid: uuidBytes, ctime: ctime, configs: [.init(name: "qemu-server.conf", data: configBytes)], devices: devices)
                let writer = try VMAWriter(header: header, sink: sink)
                try VMADiskCopy.backup(Array(zip(devices.map(\.id), readers)), into: writer, cancel: cancel) { progress.report($0) }
                progress.finish(total: UInt64(devices.reduce(0) { $0 + $1.size }), zeros: UInt64(writer.zeroBytes))
            })
        do { try FileIO.rename(temporary, to: archive) } catch {
            FileIO.remove(temporary)
            throw error
        }
        return size
    }

    /// `….vma.zst` is written as `….vma.dat`, a plain `….vma` as `….dat` (facts §2.1).
    static func temporaryName(_ archive: String) -> String {
        let name = (archive as NSString).deletingPathExtension
        return name + ".dat"
    }

    func imageSource(_ volume: String) async throws -> ImageSource {
        let id = try VolumeID(parsing: volume)
        return try await storage.plugin(id.storage).imageSource(id.name, snapshot: nil)
    }
}

/// Progress lines every 10 %, then the sparse and transfer summary.
final class ProgressLog: @unchecked Sendable {
    private let log: GuestLog
    private let started: Date
    private var lastStep = -1

    init(log: GuestLog, started: Date) {
        self.log = log
        self.started = started
    }

    func report(_ progress: CopyProgress) {
        guard progress.total > 0 else { return }
        let percent = Int(progress.done * 100 / progress.total)
        guard percent / 10 > lastStep else { return }
        lastStep = percent / 10
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        log.info(
            "\(String(repeating: " ", count: percent < 10 ? 2 : percent < 100 ? 1 : 0))\(percent)% (\(Figures.binary(Double(progress.done))) of \(Figures.binary(Double(progress.total)))) in \(Int(seconds))s, read: \(Figures.binary(Double(progress.done) / seconds))/s, write: \(Figures.binary(Double(progress.transferred) / seconds))/s"
        )
    }

    func finish(total: UInt64, zeros: UInt64) {
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        if zeros > 0 {
            let percent = total > 0 ? zeros * 100 / total : 0
            log.info("backup is sparse: \(Figures.binary(Double(zeros))) (\(percent)%) total zero data")
        }
        log.info("transferred \(Figures.binary(Double(total))) in \(Int(seconds.rounded())) seconds (\(Figures.binary(Double(total) / seconds))/s)")
    }
}
