import FaroConfig
import FaroModel
import FaroStorage

/// One entry of `GET .../snapshot`.
public struct VMSnapshotInfo: Sendable, Equatable {
    public var name: String
    public var description: String
    public var snaptime: Int?
    public var parent: String?
    public var running: Bool
    /// Whether the snapshot holds the RAM state.
    public var hasState = false
}

/// Snapshots through the storage plugins (qcow2 internal snapshots on directory storages,
/// btrfs and LVM-thin where their plugins can), live and with RAM state for running VMs
/// (VMService+LiveSnapshot.swift). The snapshot section keeps the config at snapshot time;
/// the main section's `parent` names the current snapshot.
extension VMService {
    public func snapshots(_ vmid: VMID) async throws -> [VMSnapshotInfo] {
        let config = try await read(vmid).config
        var list: [VMSnapshotInfo] = []
        for name in config.snapshotNames {
            guard let section = config.file[section: name] else { continue }
            list.append(VMSnapshotInfo(
                name: name, description: section.description ?? "", snaptime: section.options["snaptime"].flatMap(Int.init),
                parent: section.options["parent"], running: false, hasState: section.options["vmstate"] != nil))
        }
        list.append(VMSnapshotInfo(
            name: "current", description: "You are here!", snaptime: nil, parent: config["parent"], running: await isRunning(vmid)))
        return list
    }

    func eachVolume(_ volumes: [String], _ body: (any StoragePlugin, String) async throws -> Void) async throws {
        for volume in volumes {
            let id = try VolumeID(parsing: volume)
            try await body(try await storage.plugin(id.storage), id.name)
        }
    }

    /// Sets `lock` for the duration of `body`; the lock goes again whatever happens.
    func withConfigLock<T: Sendable>(_ vmid: VMID, _ lock: String, _ body: () async throws -> T) async throws -> T {
        try await update(vmid) { config in
            try Self.checkLock(config, vmid: vmid, skiplock: false)
            config["lock"] = lock
        }
        do {
            let result = try await body()
            try await update(vmid) { config in config["lock"] = nil }
            return result
        } catch {
            try? await update(vmid) { config in config["lock"] = nil }
            throw error
        }
    }

    /// Snapshots the disks, and with `vmstate` on a running VM the RAM too (a stopped VM has
    /// none, so the flag is ignored there, as in Proxmox).
    public func createSnapshot(
        _ vmid: VMID, name: String, description: String?, vmstate: Bool = false, log: @Sendable (String) -> Void
    ) async throws {
        let config = try await read(vmid).config
        guard name != "current", name.uppercased() != VMConfig.pendingSection else {
            throw VMError.parameter("snapname", "invalid snapshot name '\(name)'")
        }
        if config.file[section: name] != nil { throw VMError.failed("snapshot name '\(name)' already used") }
        let running = await isRunning(vmid)
        try await withConfigLock(vmid, "snapshot") {
            let recorded = try await snapshotDisksAndState(vmid, config, name: name, running: running, vmstate: vmstate, log: log)
            let now = clock()
            try await update(vmid) { config in
                var options = config.options
                options["lock"] = nil
                options["snaptime"] = String(now)
                options.merge(recorded) { _, new in new }
                config.file.sections.append((name, GuestConfigFile.Section(description: description, options: options)))
                config["parent"] = name
            }
        }
    }

    public func deleteSnapshot(_ vmid: VMID, name: String, force: Bool, log: @Sendable (String) -> Void) async throws {
        guard let section = try await read(vmid).config.file[section: name], name != VMConfig.pendingSection else {
            throw VMError.failed("snapshot '\(name)' does not exist")
        }
        let running = await isRunning(vmid)
        try await withConfigLock(vmid, "snapshot-delete") {
            do {
                for disk in snapshotDisks(section.options) {
                    log("deleting snapshot '\(name)' of '\(disk.key)' (\(disk.volume))")
                    try await deleteDiskSnapshot(vmid, disk, name: name, running: running)
                }
            } catch {
                guard force else { throw error }
                log("ignoring: \(error)")
            }
            if let state = section.options["vmstate"] {
                log("removing the VM state '\(state)'")
                await free([state], log: log)
            }
            try await update(vmid) { config in
                let parent = section.options["parent"]
                config.file.sections.removeAll { $0.name == name }
                for index in config.file.sections.indices where config.file.sections[index].section.options["parent"] == name {
                    config.file.sections[index].section.options["parent"] = parent
                }
                if config["parent"] == name { config["parent"] = parent }
            }
        }
    }

    /// Stops the VM if it runs, rolls every disk back and makes the snapshot's config current.
    /// A snapshot with RAM state then continues from that state; one without starts afresh
    /// only when `start` asks for it.
    public func rollback(_ vmid: VMID, name: String, start: Bool = false, log: @Sendable (String) -> Void) async throws {
        guard let section = try await read(vmid).config.file[section: name], name != VMConfig.pendingSection else {
            throw VMError.failed("snapshot '\(name)' does not exist")
        }
        let state = try await savedState(section)
        if await isRunning(vmid) {
            log("stopping the VM first")
            try await stop(vmid, skiplock: false)
        }
        try await withConfigLock(vmid, "rollback") {
            try await eachVolume(snapshotDisks(section.options).map(\.volume)) { plugin, volname in
                log("rolling back '\(plugin.id):\(volname)' to '\(name)'")
                try await plugin.rollback(volname, to: name)
            }
            try await update(vmid) { config in
                var options = section.options
                for key in ["snaptime", "vmstate", "runningmachine", "runningcpu"] { options[key] = nil }
                options["lock"] = "rollback"
                options["parent"] = name
                config.options = options
                config.description = section.description
                config.pending = [:]
                config.pendingDeletes = [:]
            }
        }
        if let state {
            log("continuing from the saved RAM state '\(section.options["vmstate"] ?? "")'")
            try await self.start(vmid, skiplock: false, restoring: state, log: log)
        } else if start {
            try await self.start(vmid, skiplock: false, log: log)
        }
    }

    public func updateSnapshotDescription(_ vmid: VMID, name: String, description: String?) async throws {
        try await update(vmid) { config in
            guard let index = config.file.sections.firstIndex(where: { $0.name == name }), name != VMConfig.pendingSection else {
                throw VMError.failed("snapshot '\(name)' does not exist")
            }
            config.file.sections[index].section.description = description
        }
    }
}
