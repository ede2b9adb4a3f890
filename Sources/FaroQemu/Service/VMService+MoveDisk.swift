import FaroGuest
import FaroModel
import FaroStorage

/// `POST .../move_disk`: copies a disk (or an `unused[n]` volume) to another storage or format
/// and points the config at the copy. A stopped VM's disk is copied with `qemu-img convert`, a
/// running VM's is mirrored by QEMU (`drive-mirror`) and switched over live. The old volume
/// becomes `unused[n]`, or is freed with `delete`.
extension VMService {
    /// The checked move: the old volume, the target storage and the format.
    struct MovePlan: Sendable {
        var key: String
        var text: String
        var volume: VolumeID
        var target: String
        var format: VolumeFormat
        var isTemplate: Bool
    }

    /// Checks everything before the task: the disk, locks, digest, target storage and format.
    func planMove(_ vmid: VMID, _ move: VMDiskMove) async throws -> MovePlan {
        let (config, file) = try await read(vmid)
        try GuestConfigStore<VMConfig>.checkDigest(move.digest, of: file, vmid: vmid)
        try Self.checkLock(config, vmid: vmid, skiplock: false)
        guard let text = config[move.disk] else { throw VMError.parameter("disk", "disk '\(move.disk)' does not exist") }
        let volume = try Self.movableVolume(move.disk, text)
        let target = try await imagesStorage(move.storage, key: "storage")
        let source = try await storage.plugin(volume.storage)
        let sourceFormat = try await source.info(volume.name).format
        let requested = try move.format.map { name -> VolumeFormat in
            guard let format = VolumeFormat(rawValue: name), format != .subvol else {
                throw VMError.parameter("format", "unsupported format '\(name)' for a VM disk")
            }
            return format
        }
        let format: VolumeFormat
        do {
            format = try storage.copyFormat(on: target, requested: requested, source: sourceFormat)
        } catch StorageError.invalidOption(_, let message) {
            throw VMError.parameter("format", message)
        }
        if volume.storage == move.storage, format.rawValue == sourceFormat {
            throw VMError.failed("you can't move to the same storage with same format")
        }
        if move.delete {
            if Self.snapshotsUse(volume.description, config) {
                throw VMError.failed("you can't move a disk with snapshots and delete the source")
            }
            try await requireNoLinkedClones(of: [volume.description])
        }
        return MovePlan(key: move.disk, text: text, volume: volume, target: move.storage, format: format, isTemplate: config.isTemplate)
    }

    static func movableVolume(_ key: String, _ text: String) throws -> VolumeID {
        if key.hasPrefix("unused") { return try VolumeID(parsing: String(text.split(separator: ",").first ?? "")) }
        let drive: Drive
        do {
            drive = try Drive(key: key, text: text)
        } catch {
            throw VMError.parameter("disk", "disk '\(key)' does not exist")
        }
        if drive.isCDROM { throw VMError.failed("you can't move a cdrom") }
        guard let volume = drive.volumeID else { throw VMError.failed("you can't move '\(key)' - it is not a storage volume") }
        return try VolumeID(parsing: volume)
    }

    static func snapshotsUse(_ volume: String, _ config: VMConfig) -> Bool {
        config.snapshotNames.contains { name in
            guard let section = config.file[section: name] else { return false }
            return VMConfig(snapshotSection: section).ownedVolumes().contains { $0.volume == volume }
        }
    }

    /// Checks the request; the task part is `moveDisk`.
    public func checkMoveDisk(_ vmid: VMID, _ move: VMDiskMove) async throws {
        _ = try await planMove(vmid, move)
    }

    public func moveDisk(_ vmid: VMID, _ move: VMDiskMove, log: @Sendable (String) -> Void) async throws {
        let plan = try await planMove(vmid, move)
        let source = try await storage.plugin(plan.volume.storage)
        let target = try await storage.plugin(plan.target)
        let rate = storage.bandwidthLimit("move", storages: [source, target], override: move.bwlimit, datacenter: try await datacenter())
        let running = await isRunning(vmid)
        let live = !plan.key.hasPrefix("unused") && running
        log("moving '\(plan.volume)' to storage '\(plan.target)' as \(plan.format.rawValue)\(live ? " (live, by QEMU)" : "")")
        var created: String?
        var inUseByQEMU = false
        do {
            if live {
                let size = try await Self.sizeKiB(source, plan.volume.name)
                created = try await target.allocate(vmid: vmid, name: nil, format: plan.format, sizeKiB: size)
                try await mirror(vmid, key: plan.key, to: try target.path(created!), format: plan.format, bytesPerSecond: rate)
                inUseByQEMU = true
            } else {
                created = try await storage.copyImage(
                    from: source, plan.volume.name, to: target, vmid: vmid, format: plan.format, bytesPerSecond: rate)
            }
            if plan.isTemplate, target.capabilities.contains(.linkedClones) { created = try await target.createBase(created!) }
            try await switchVolume(vmid, plan, to: VolumeID(storage: plan.target, name: created!).description, keepOld: !move.delete)
        } catch {
            if let created {
                let volume = VolumeID(storage: plan.target, name: created).description
                // After the switch-over the running VM writes to the copy: it must stay.
                if inUseByQEMU { log("keeping '\(volume)', which the running VM now uses") } else { await free([volume], log: log) }
            }
            throw error
        }
        log("'\(plan.key)' is now '\(plan.target):\(created!)'")
        if move.delete {
            log("removing '\(plan.volume)'")
            await free([plan.volume.description], log: log)
        }
    }

    static func sizeKiB(_ plugin: any StoragePlugin, _ volname: String) async throws -> UInt64 {
        max(1, (try await plugin.info(volname).size + 1023) / 1024)
    }

    /// Points the config at the new volume, if the disk is still what the move started from.
    func switchVolume(_ vmid: VMID, _ plan: MovePlan, to volume: String, keepOld: Bool) async throws {
        try await update(vmid) { config in
            guard config[plan.key] == plan.text else {
                throw VMError.failed("disk '\(plan.key)' changed while it was moved - the copy was removed")
            }
            if plan.key.hasPrefix("unused") {
                config[plan.key] = volume
            } else {
                var drive = try Drive(key: plan.key, text: plan.text)
                drive.values["file"] = volume
                drive.values["format"] = nil
                config[plan.key] = drive.text
            }
            if keepOld, let unused = config.nextUnusedKey() {
                config[unused] = plan.volume.description
            }
        }
    }
}
