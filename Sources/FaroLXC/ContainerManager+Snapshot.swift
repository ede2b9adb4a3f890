import FaroConfig
import FaroModel
import FaroStorage

/// One entry of `GET .../snapshot`.
public struct ContainerSnapshot: Sendable, Equatable {
    public var name: String
    public var description: String
    public var snaptime: Int?
    public var parent: String?
}

/// Snapshots through the storage plugins (btrfs subvolume snapshots; directory storages
/// cannot snapshot container volumes and say so). A running container is frozen while its
/// volumes are snapshotted.
extension ContainerManager {
    public func snapshots(_ vmid: VMID) async throws -> [ContainerSnapshot] {
        let config = try await read(vmid).config
        var list = config.snapshotNames.compactMap { name -> ContainerSnapshot? in
            guard let section = config.file[section: name] else { return nil }
            return ContainerSnapshot(
                name: name, description: section.description ?? "", snaptime: section.options["snaptime"].flatMap(Int.init),
                parent: section.options["parent"])
        }
        list.append(ContainerSnapshot(name: "current", description: "You are here!", snaptime: nil, parent: config["parent"]))
        return list
    }

    /// The section of snapshot `name`, or Proxmox's error.
    public func snapshotSection(_ vmid: VMID, _ name: String) async throws -> GuestConfigFile.Section {
        let config = try await read(vmid).config
        guard config.snapshotNames.contains(name), let section = config.file[section: name] else {
            throw LXCError.failed("snapshot '\(name)' does not exist")
        }
        return section
    }

    public func createSnapshot(_ vmid: VMID, name: String, description: String?, log: @Sendable (String) -> Void) async throws {
        let config = try await read(vmid).config
        guard name != "current", name.lowercased() != ContainerConfig.pendingSection else {
            throw LXCError.invalidOption("snapname", "invalid snapshot name '\(name)'")
        }
        if config.file[section: name] != nil { throw LXCError.failed("snapshot name '\(name)' already used") }
        let volumes = Self.mountedVolumes(config.options)
        try await withConfigLock(vmid, "snapshot") {
            let running = try await state(vmid).running
            if running { try setFrozen(vmid, true) }
            var done: [String] = []
            do {
                for volume in volumes {
                    log("snapshotting '\(volume)'")
                    let (plugin, volname) = try await self.volume(volume)
                    try await Self.snapshotFeature { try await plugin.snapshot(volname, name: name) }
                    done.append(volume)
                }
            } catch {
                if running { try? setFrozen(vmid, false) }
                for volume in done {
                    if let (plugin, volname) = try? await self.volume(volume) { try? await plugin.deleteSnapshot(volname, name: name) }
                }
                throw error
            }
            if running { try setFrozen(vmid, false) }
            let now = clock()
            try await update(vmid) { config in config.file.addSnapshot(name, description: description, time: now) }
        }
    }

    public func deleteSnapshot(_ vmid: VMID, name: String, force: Bool, log: @Sendable (String) -> Void) async throws {
        let section = try await snapshotSection(vmid, name)
        try await withConfigLock(vmid, "snapshot-delete") {
            do {
                for volume in Self.mountedVolumes(section.options) {
                    log("deleting snapshot '\(name)' of '\(volume)'")
                    let (plugin, volname) = try await self.volume(volume)
                    try await plugin.deleteSnapshot(volname, name: name)
                }
            } catch {
                guard force else { throw error }
                log("ignoring: \(error)")
            }
            try await update(vmid) { config in config.file.removeSnapshot(name) }
        }
    }

    /// Stops a running container, rolls every volume back and makes the snapshot's config current.
    public func rollback(_ vmid: VMID, name: String, log: @Sendable (String) -> Void) async throws {
        let section = try await snapshotSection(vmid, name)
        if try await state(vmid).running {
            log("stopping the running container first")
            try await stop(vmid)
        }
        try await withConfigLock(vmid, "rollback") {
            for volume in Self.mountedVolumes(section.options) {
                log("rolling back '\(volume)' to '\(name)'")
                let (plugin, volname) = try await self.volume(volume)
                try await plugin.rollback(volname, to: name)
            }
            try await update(vmid) { config in
                _ = config.file.restoreSnapshot(name, pendingSection: ContainerConfig.pendingSection)
                config["lock"] = "rollback"
            }
        }
    }

    public func updateSnapshotDescription(_ vmid: VMID, name: String, description: String?) async throws {
        _ = try await snapshotSection(vmid, name)
        try await update(vmid) { config in
            guard let index = config.file.sections.firstIndex(where: { $0.name == name }) else { return }
            config.file.sections[index].section.description = description
        }
    }

    /// The storage volumes `rootfs` and `mpN` mount (not `unusedN`, not bind mounts).
    static func mountedVolumes(_ options: [String: String]) -> [String] {
        options.keys.sorted().compactMap { key in key.hasPrefix("unused") ? nil : ContainerConfig.volume(of: key, options[key]!) }
    }

    /// A storage that cannot snapshot a volume answers in Proxmox's words.
    static func snapshotFeature(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as StorageError {
            if case .unsupported = error { throw LXCError.failed("snapshot feature is not available (\(error))") }
            throw error
        }
    }

    /// Sets `lock` for the duration of `body`; the lock goes again whatever happens.
    func withConfigLock<T: Sendable>(_ vmid: VMID, _ lock: String, _ body: () async throws -> T) async throws -> T {
        try await update(vmid) { config in
            if let held = config.lock { throw LXCError.locked(vmid, held) }
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
}
