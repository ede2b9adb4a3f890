import FaroConfig
import FaroModel
import FaroStorage

/// The parts of snapshots that differ for a running VM: qcow2 images are snapshotted by the
/// QEMU that has them open, and the RAM state goes into a state volume
/// `vm-<vmid>-state-<snapname>` on the storage Proxmox would pick.
extension VMService {
    /// A disk of a snapshot section: its config key (`scsi0`) and volume.
    typealias SnapshotDisk = (key: String, volume: String)

    func snapshotDisks(_ options: [String: String]) -> [SnapshotDisk] {
        VMConfig(snapshotSection: GuestConfigFile.Section(options: options)).ownedVolumes().filter { !$0.key.hasPrefix("unused") }
    }

    /// A qcow2 image that a running QEMU holds open cannot be changed by `qemu-img`.
    func snapshotsThroughQemu(_ disk: SnapshotDisk, running: Bool) -> Bool {
        running && disk.volume.hasSuffix(".qcow2")
    }

    func snapshotDisk(_ vmid: VMID, _ disk: SnapshotDisk, name: String, running: Bool) async throws {
        if snapshotsThroughQemu(disk, running: running) {
            try await runtime.snapshotDrive(vmid: vmid, drive: disk.key, name: name)
        } else {
            try await eachVolume([disk.volume]) { plugin, volname in try await plugin.snapshot(volname, name: name) }
        }
    }

    func deleteDiskSnapshot(_ vmid: VMID, _ disk: SnapshotDisk, name: String, running: Bool) async throws {
        if snapshotsThroughQemu(disk, running: running) {
            try await runtime.deleteDriveSnapshot(vmid: vmid, drive: disk.key, name: name)
        } else {
            try await eachVolume([disk.volume]) { plugin, volname in try await plugin.deleteSnapshot(volname, name: name) }
        }
    }

    /// Snapshots every disk; on a failure the snapshots already taken are removed again.
    func snapshotAllDisks(_ vmid: VMID, _ disks: [SnapshotDisk], name: String, running: Bool, log: (String) -> Void) async throws {
        var done: [SnapshotDisk] = []
        do {
            for disk in disks {
                log("snapshotting '\(disk.key)' (\(disk.volume))")
                try await snapshotDisk(vmid, disk, name: name, running: running)
                done.append(disk)
            }
        } catch {
            for disk in done.reversed() { try? await deleteDiskSnapshot(vmid, disk, name: name, running: running) }
            throw error
        }
    }

    /// Where the RAM state goes: `vmstatestorage`, else the first shared storage of a disk,
    /// else the first disk's storage, else `local`.
    func stateStorage(_ config: VMConfig) async -> String {
        if let configured = config["vmstatestorage"] { return configured }
        let storages = snapshotDisks(config.options).compactMap { try? VolumeID(parsing: $0.volume).storage }
        for id in storages {
            if let plugin = try? await storage.plugin(id), plugin.definition.isShared { return id }
        }
        return storages.first ?? "local"
    }

    /// Allocates the state volume, large enough for the RAM and the device state.
    func allocateStateVolume(_ vmid: VMID, _ config: VMConfig, snapshot: String, log: (String) -> Void) async throws -> (volume: String, path: String) {
        let storageID = await stateStorage(config)
        let plugin = try await imagesStorage(storageID, key: "vmstatestorage")
        let stem = "vm-\(vmid)-state-\(snapshot)"
        let name = plugin.capabilities.contains(.files) ? stem + ".raw" : stem
        log("saving VM state and RAM using storage '\(storageID)'")
        let sizeKiB = UInt64(config.memoryMiB * 2 + 500) * 1024
        let volname = try await plugin.allocate(vmid: vmid, name: name, format: .raw, sizeKiB: sizeKiB)
        do {
            return ("\(storageID):\(volname)", try plugin.path(volname))
        } catch {
            try? await plugin.free(volname)
            throw error
        }
    }

    /// Takes the disk snapshots, with the RAM state when asked on a running VM; returns the
    /// keys the snapshot section records besides the config.
    func snapshotDisksAndState(
        _ vmid: VMID, _ config: VMConfig, name: String, running: Bool, vmstate: Bool, log: @Sendable (String) -> Void
    ) async throws -> [String: String] {
        if running, vmstate { return try await snapshotWithState(vmid, config, name: name, log: log) }
        try await snapshotAllDisks(vmid, snapshotDisks(config.options), name: name, running: running, log: log)
        return [:]
    }

    /// Pauses the VM, snapshots its disks, writes its RAM state and resumes it, so disks and
    /// memory show the same instant. Returns the keys the snapshot section records.
    func snapshotWithState(_ vmid: VMID, _ config: VMConfig, name: String, log: @Sendable (String) -> Void) async throws -> [String: String] {
        let state = try await allocateStateVolume(vmid, config, snapshot: name, log: log)
        let disks = snapshotDisks(config.options)
        do {
            let cpu = await runtime.runningArgument(vmid, after: "-cpu")
            let machine = try await runtime.withMonitor(vmid) { try await $0.currentMachine() }
            try await runtime.whilePaused(vmid) {
                try await snapshotAllDisks(vmid, disks, name: name, running: true, log: log)
                do {
                    try await runtime.saveState(vmid: vmid, to: state.path, timeout: .seconds(3600))
                } catch {
                    for disk in disks.reversed() { try? await deleteDiskSnapshot(vmid, disk, name: name, running: true) }
                    throw error
                }
            }
            var recorded = ["vmstate": state.volume]
            recorded["runningmachine"] = machine
            recorded["runningcpu"] = cpu
            return recorded
        } catch {
            await free([state.volume], log: log)
            throw error
        }
    }

    /// The saved state of a snapshot section, ready for a start.
    func savedState(_ section: GuestConfigFile.Section) async throws -> SavedVMState? {
        guard let volume = section.options["vmstate"] else { return nil }
        let id = try VolumeID(parsing: volume)
        let path = try await storage.plugin(id.storage).path(id.name)
        return SavedVMState(path: path, machine: section.options["runningmachine"], cpu: section.options["runningcpu"])
    }
}
