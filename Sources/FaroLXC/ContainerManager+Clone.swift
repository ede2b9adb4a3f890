import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroStorage
import FaroSupport
import Foundation

/// What `POST .../clone` asks for.
public struct ContainerClone: Sendable {
    public var source: VMID
    public var target: VMID
    /// Full copy; nil takes Proxmox's default (linked from a template, else full).
    public var full: Bool?
    public var hostname: String?
    public var description: String?
    /// Storage for full copies; nil keeps each volume's storage.
    public var storage: String?
    /// Clone the state of this snapshot instead of the current one (a full copy).
    public var snapname: String?

    public init(
        source: VMID, target: VMID, full: Bool? = nil, hostname: String? = nil, description: String? = nil, storage: String? = nil,
        snapname: String? = nil
    ) {
        self.source = source
        self.target = target
        self.full = full
        self.hostname = hostname
        self.description = description
        self.storage = storage
        self.snapname = snapname
    }
}

/// Templates and clones. A template's volumes become base volumes; a linked clone is a
/// writable storage snapshot of them (btrfs), a full clone a file-by-file copy onto new volumes.
extension ContainerManager {
    /// Turns a stopped container without snapshots into a template.
    public func convertToTemplate(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        let config = try await read(vmid).config
        if config.isTemplate { throw LXCError.failed("CT \(vmid) is already a template") }
        if try await state(vmid).running { throw LXCError.failed("CT \(vmid) is running - unable to convert to a template") }
        if !config.snapshotNames.isEmpty { throw LXCError.failed("you can't convert a CT to a template if the CT has snapshots") }
        try await withConfigLock(vmid, "disk") {
            var renamed: [String: String] = [:]
            for volume in Self.mountedVolumes(config.options) {
                let (plugin, volname) = try await self.volume(volume)
                renamed[volume] = "\(plugin.id):\(try await plugin.createBase(volname))"
                log("converted '\(volume)' to base volume '\(renamed[volume]!)'")
            }
            let names = renamed
            try await update(vmid) { config in
                for key in ["rootfs"] + config.mountPoints.map({ "mp\($0.index)" }) {
                    guard let text = config[key], var values = try? ContainerSchema.parse(key, text),
                        let old = values["volume"], let new = names[old]
                    else { continue }
                    values["volume"] = new
                    config[key] = ContainerSchema.print(key, values)
                }
                config["template"] = "1"
            }
        }
    }

    /// The config a clone starts from (the snapshot's with `snapname`) and whether it links;
    /// throws what Proxmox refuses. The handler calls it before it starts the task.
    public func checkClone(_ request: ContainerClone) async throws -> (source: ContainerConfig, linked: Bool) {
        var source = try await read(request.source).config
        if let snapname = request.snapname {
            guard source.snapshotNames.contains(snapname), let section = source.file[section: snapname] else {
                throw LXCError.invalidOption("snapname", "snapshot '\(snapname)' does not exist")
            }
            var options = section.options
            for key in ["snaptime", "snapstate", "vmstate"] { options[key] = nil }
            var snapshot = ContainerConfig(options: options, description: section.description)
            snapshot.file.main.rawLXC = section.rawLXC
            source = snapshot
        }
        let linked = !(request.full ?? !source.isTemplate)
        if linked && !source.isTemplate { throw LXCError.failed("linked clone feature is only available for templates") }
        if linked && request.storage != nil { throw LXCError.invalidOption("storage", "a linked clone stays on the template's storage") }
        // A snapshot does not change while the container runs, so it can be copied any time.
        if !linked, request.snapname == nil, try await state(request.source).running {
            throw LXCError.failed("CT \(request.source) is running - a full clone needs a stopped container or a snapshot")
        }
        if try await store.read(configPath(request.target)) != nil { throw LXCError.alreadyExists(request.target) }
        return (source, linked)
    }

    /// The storages a clone allocates on: `storage`, else those of the volumes it copies or links.
    public func cloneStorages(_ request: ContainerClone, source: ContainerConfig) throws -> Set<String> {
        if let storage = request.storage { return [storage] }
        return Set(Self.mountedVolumes(source.options).compactMap { try? VolumeID(parsing: $0).storage })
    }

    /// Reserves the new VMID, copies or links the volumes and writes the clone's config.
    /// A failure frees the new volumes and the reserved config.
    public func clone(_ request: ContainerClone, log: @Sendable (String) -> Void) async throws {
        let (source, linked) = try await checkClone(request)
        var config = ContainerConfig(options: source.options)
        for key in ["lock", "parent", "template"] { config[key] = nil }
        for key in config.options.keys where key.hasPrefix("unused") { config[key] = nil }
        config.file.main.rawLXC = source.rawLXC
        config.description = request.description ?? source.description
        if let hostname = request.hostname { config["hostname"] = hostname }
        for (index, var net) in config.networks {
            net["hwaddr"] = nil
            config["net\(index)"] = ContainerSchema.print("net\(index)", net)
        }
        try await assignMACAddresses(&config)
        try await reserve(ContainerCreation(vmid: request.target, options: ["hostname": config.hostname(vmid: request.target)], template: ""))
        var made: [String] = []
        do {
            for key in ["rootfs"] + config.mountPoints.map({ "mp\($0.index)" }) {
                guard let text = config[key], var values = try? ContainerSchema.parse(key, text), let volume = values["volume"],
                    Self.isStorageVolume(volume)
                else { continue }
                let copy = linked
                    ? try await linkVolume(volume, to: request.target)
                    : try await copyVolume(
                        volume, snapshot: request.snapname, size: values["size"], to: request.target, storage: request.storage,
                        unprivileged: config.isUnprivileged, log: log)
                made.append(copy)
                log("\(key): '\(volume)' → '\(copy)'")
                values["volume"] = copy
                config[key] = ContainerSchema.print(key, values)
            }
            try await store.write(configPath(request.target), text: config.render(), ifRevision: nil)
        } catch {
            for volume in made.reversed() { try? await freeVolume(volume) }
            try? await store.delete(configPath(request.target), ifRevision: nil)
            throw error
        }
    }

    func linkVolume(_ volume: String, to vmid: VMID) async throws -> String {
        let (plugin, volname) = try await self.volume(volume)
        return "\(plugin.id):\(try await plugin.linkedClone(volname, vmid: vmid))"
    }

    /// A new volume of the same size with a copy of every file (ownership, modes, xattrs kept),
    /// as they are now or as they were at `snapshot`.
    func copyVolume(
        _ volume: String, snapshot: String? = nil, size: String?, to vmid: VMID, storage target: String?, unprivileged: Bool,
        log: @Sendable (String) -> Void
    ) async throws -> String {
        let (plugin, volname) = try await self.volume(volume)
        let sourcePath = try snapshot.map { try plugin.snapshotPath(volname, snapshot: $0) } ?? plugin.path(volname)
        let gib = Double(size.flatMap { Self.bytes($0) } ?? 0) / Double(1 << 30)
        let (copy, _) = try await allocateVolume(storage: target ?? plugin.id, gib: gib, vmid: vmid, unprivileged: unprivileged, log: log)
        do {
            let (copyPlugin, copyName) = try await self.volume(copy)
            try await withDirectory(sourcePath, readOnly: snapshot != nil, at: containerDirectory(vmid) + ".clone-source") { from in
                try await withDirectory(try copyPlugin.path(copyName), at: containerDirectory(vmid) + ".clone-target") { to in
                    _ = try await runner.run(Command("cp", ["-a", "--sparse=always", from + "/.", to + "/"], timeout: .seconds(3600))).checked()
                }
            }
        } catch {
            try? await freeVolume(copy)
            throw error
        }
        return copy
    }

    /// Runs `body` with a volume's files: a directory volume as it is, an image loop-mounted at
    /// `mountPoint` (read-only without replaying its journal for a snapshot, which cannot change).
    func withDirectory(_ path: String, readOnly: Bool = false, at mountPoint: String, _ body: (String) async throws -> Void)
        async throws
    {
        if FileIO.isDirectory(path) { return try await body(path) }
        try FileIO.makeDirectory(mountPoint)
        defer { rmdir(mountPoint) }
        try await runner.checked(["mount", "-o", readOnly ? "loop,ro,noload" : "loop", path, mountPoint])
        do {
            try await body(mountPoint)
        } catch {
            _ = try? await runner.run(["umount", mountPoint])
            throw error
        }
        try await runner.checked(["umount", mountPoint])
    }
}

extension ContainerManager {
    /// Copies the volume of `key` (`rootfs` or `mpN`) of a stopped container to `storage`,
    /// points the config at the copy, and frees the old volume with `delete` (else it stays
    /// as `unusedN`). A failure frees the copy and leaves the config as it was.
    public func moveVolume(_ vmid: VMID, key: String, storage target: String, delete: Bool, digest: String?, log: @Sendable (String) -> Void)
        async throws
    {
        let (config, file) = try await read(vmid)
        try GuestConfigStore<ContainerConfig>.checkDigest(digest, of: file, vmid: vmid)
        guard let text = config[key], var values = try? ContainerSchema.parse(key, text), let volume = values["volume"],
            Self.isStorageVolume(volume)
        else { throw LXCError.invalidOption("volume", "no storage volume '\(key)' in CT \(vmid)") }
        if try await state(vmid).running { throw LXCError.failed("CT \(vmid) is running - moving volumes needs a stopped container") }
        if !config.snapshotNames.isEmpty { throw LXCError.failed("CT \(vmid) has snapshots - unable to move '\(key)'") }
        try await withConfigLock(vmid, "disk") {
            let copy = try await copyVolume(volume, size: values["size"], to: vmid, storage: target, unprivileged: config.isUnprivileged, log: log)
            values["volume"] = copy
            let moved = ContainerSchema.print(key, values)
            do {
                try await update(vmid) { config in config.set(key, moved) }
            } catch {
                try? await freeVolume(copy)
                throw error
            }
            log("moved '\(volume)' to '\(copy)'")
            guard delete else { return }
            try await freeVolume(volume)
            try await update(vmid) { config in
                for (name, value) in config.options where name.hasPrefix("unused") && value == volume { config[name] = nil }
            }
            log("removed '\(volume)'")
        }
    }
}
