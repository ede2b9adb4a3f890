import FaroModel
import FaroStorage

/// `POST .../template`: marks the VM as a template, then turns each disk into a read-only base
/// volume (`base-<vmid>-disk-N`) on storages that can hold them, so linked clones can share it.
extension VMService {
    /// The checks before the task, in Proxmox's order and words.
    public func checkTemplate(_ vmid: VMID, disk: String?) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: false)
        if !config.snapshotNames.isEmpty { throw VMError.failed("unable to create template, because VM contains snapshots") }
        if config.isTemplate && disk == nil { throw VMError.failed("you can't convert a template to a template") }
        if await isRunning(vmid) { throw VMError.failed("you can't convert a VM to template if VM is running") }
        if let disk {
            guard let drive = try config.volumeDrives().first(where: { $0.key == disk }), !drive.isCDROM, drive.volumeID != nil else {
                throw VMError.parameter("disk", "disk '\(disk)' does not exist")
            }
        }
    }

    /// Sets `template: 1` first (so the VM cannot start meanwhile), then converts the disks one
    /// by one, recording each new name at once so config and storage never disagree.
    public func convertToTemplate(_ vmid: VMID, disk: String?, log: @Sendable (String) -> Void) async throws {
        try await checkTemplate(vmid, disk: disk)
        let wasTemplate = try await update(vmid) { config in
            try Self.checkLock(config, vmid: vmid, skiplock: false)
            defer { config["template"] = "1" }
            return config.isTemplate
        }
        let drives = try await read(vmid).config.volumeDrives().filter { !$0.isCDROM && (disk == nil || $0.key == disk) }
        var converted = 0
        do {
            for drive in drives {
                guard let volume = drive.volumeID, try await makeBase(drive.key, volume, vmid: vmid, log: log) else { continue }
                converted += 1
            }
        } catch {
            if converted == 0, !wasTemplate { try? await update(vmid) { config in config["template"] = nil } }
            throw error
        }
    }

    /// Converts one disk; false when its storage keeps no base volumes or it already is one.
    func makeBase(_ key: String, _ volume: String, vmid: VMID, log: @Sendable (String) -> Void) async throws -> Bool {
        let id = try VolumeID(parsing: volume)
        let plugin = try await storage.plugin(id.storage)
        guard plugin.capabilities.contains(.linkedClones) else {
            log("\(key): storage '\(id.storage)' keeps no base volumes - '\(volume)' stays as it is")
            return false
        }
        if Self.isBaseVolume(id.name) { return false }
        let base = VolumeID(storage: id.storage, name: try await plugin.createBase(id.name)).description
        log("\(key): '\(volume)' is now the base volume '\(base)'")
        try await update(vmid) { config in
            guard let text = config[key], var drive = try? Drive(key: key, text: text), drive.volumeID == volume else { return }
            drive.values["file"] = base
            config[key] = drive.text
        }
        return true
    }

    /// Base volumes are named `base-…` (the last path component for file storages).
    static func isBaseVolume(_ volname: String) -> Bool {
        (volname.split(separator: "/").last ?? "").hasPrefix("base-")
    }
}
