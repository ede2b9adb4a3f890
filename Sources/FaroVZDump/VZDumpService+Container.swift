import FaroBackup
import FaroLXC
import FaroModel
import FaroStorage
import FaroSupport
#if canImport(Glibc)
import Glibc
#endif

/// A container's backup: its file systems into Proxmox's tar layout.
extension VZDumpService {
    func backupContainer(_ vmid: VMID, options: VZDumpOptions, archive: String, work: String, log: GuestLog) async throws -> Int64 {
        let config = try await containers.read(vmid).config
        if let lock = config.lock { throw VZDumpError.failed("CT is locked (\(lock))") }
        let running = try await containers.state(vmid).running
        log.info("status = \(running ? "running" : "stopped")")
        log.info("CT Name: \(config.hostname(vmid: vmid))")
        let mountPaths = includedMountPaths(config, log: log)
        var mode = running ? options.mode : .stop
        var snapshots: [SnapshotVolume] = []
        if mode == .snapshot {
            if let volumes = try await snapshotVolumes(config) {
                snapshots = volumes
            } else {
                log.info("mode failure - some volumes do not support snapshots")
                log.info("trying 'suspend' mode instead")
                mode = .suspend
            }
        }
        log.info("backup mode: \(mode.rawValue)")
        let unprivileged = config.isUnprivileged
        let owner = uid_t(unprivileged ? LXCConfig.idMapBase : 0)
        try FileIO.makeDirectory(work + "/etc/vzdump")
        try FileIO.writeAtomically(work + "/etc/vzdump/pct.conf", Array(try Self.archiveConfig(config).utf8))
        try FileIO.writeAtomically(work + "/etc/vzdump/pct.fw", [])
        try await runner.checked(["chown", "-R", "\(owner):\(owner)", work])
        log.info("creating vzdump archive '\(archive)'")
        let excludes = (options.standardExcludes ? ContainerArchive.standardExcludes : []) + options.excludePaths
        let namespace = unprivileged ? ContainerArchive.userNamespace(unprivileged: true) : []
        let temporary = Self.temporaryName(archive)
        let write = { (root: String) async throws -> Int64 in
            let command = ContainerArchive.create(
                workDirectory: work, rootDirectory: root, mountPaths: mountPaths, excludes: excludes, unprivileged: unprivileged,
                userNamespace: namespace)
            let size = try await ArchiveFile(runner: runner).write(
                to: temporary, compression: options.compression, zstdThreads: options.zstdThreads, producer: .command(command))
            try FileIO.rename(temporary, to: archive)
            return size
        }
        if mode == .stop { return try await backupStoppedContainer(vmid, running: running, options: options, log: log, write: write) }
        if mode == .snapshot { return try await backupSnapshotContainer(vmid, volumes: snapshots, work: work, log: log, write: write) }
        return try await backupSuspendedContainer(vmid, mountPaths: mountPaths, work: work, log: log, write: write)
    }

    /// `stop`: the container down, its volumes mounted on the host, archived, started again.
    func backupStoppedContainer(
        _ vmid: VMID, running: Bool, options: VZDumpOptions, log: GuestLog, write: (String) async throws -> Int64
    ) async throws -> Int64 {
        let started = clock()
        if running {
            log.info("stopping virtual guest")
            try await containers.shutdown(vmid, timeout: options.stopWait * 60, force: true)
        }
        return try await ensuring {
            let root = try await containers.mountOnHost(vmid)
            return try await ensuring { try await write(root) } finally: { try? await containers.unmountFromHost(vmid) }
        } finally: {
            guard running else { return }
            log.info("restarting vzdump container")
            do { try await containers.start(vmid) { _ in } } catch { log.error("unable to restart CT \(vmid) - \(error)") }
            log.info("guest is online again after \(clock() - started) seconds")
        }
    }

    /// `suspend`: the running container frozen while its files are copied (as the host sees
    /// them, owners shifted) into the work directory; the copy is archived after the thaw.
    func backupSuspendedContainer(
        _ vmid: VMID, mountPaths: [String], work: String, log: GuestLog, write: (String) async throws -> Int64
    ) async throws -> Int64 {
        guard let pid = try await containers.state(vmid).pid else { throw VZDumpError.failed("CT \(vmid) has no init process") }
        let copy = work + "/root"
        try FileIO.makeDirectory(copy)
        let source = "/proc/\(pid)/root"
        log.info("freezing guest for the copy")
        let started = clock()
        try await containers.suspend(vmid)
        try await ensuring {
            try await runner.checked(["cp", "-ax", "--sparse=always", source + "/.", copy + "/"])
            for path in mountPaths {
                try FileIO.makeDirectory(copy + path)
                try await runner.checked(["cp", "-ax", "--sparse=always", source + path + "/.", copy + path + "/"])
            }
        } finally: {
            try? await containers.resume(vmid)
            log.info("guest is online again after \(clock() - started) seconds")
        }
        var info = stat()
        if lstat(source, &info) == 0 { _ = chown(copy, info.st_uid, info.st_gid) }
        return try await write(copy)
    }

    /// `rootfs` always; volume mount points with `backup=1`; bind and device mounts never.
    func includedMountPaths(_ config: ContainerConfig, log: GuestLog) -> [String] {
        log.info("including mount point rootfs ('/') in backup")
        var paths: [String] = []
        for (index, values) in config.mountPoints {
            let path = values["mp"] ?? "?"
            if values["volume"]?.hasPrefix("/") == true {
                log.info("excluding bind mount point mp\(index) ('\(path)') from backup (not a volume)")
            } else if values["backup"] == "1" {
                log.info("including mount point mp\(index) ('\(path)') in backup")
                paths.append(path)
            } else {
                log.info("excluding volume mount point mp\(index) ('\(path)') from backup (disabled)")
            }
        }
        return paths
    }

    /// `pct.conf`: the config's main section without `lock` and `parent`.
    static func archiveConfig(_ config: ContainerConfig) throws -> String {
        var file = config.file
        file.sections = []
        file.main.options["lock"] = nil
        file.main.options["parent"] = nil
        return try file.render()
    }
}
