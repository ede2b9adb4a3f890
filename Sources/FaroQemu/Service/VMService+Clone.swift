import FaroConfig
import FaroModel
import FaroStorage
import FaroStore
import Foundation

/// `POST .../clone`: every check runs and the new VMID is reserved (`lock: clone`, through the
/// store's create-exclusive) before the task starts; the task copies or links the disks and
/// writes the new config. A failure frees every volume it made and removes the new config.
extension VMService {
    /// Checks the request, reserves `newid` and takes the source's clone lock.
    public func prepareClone(_ vmid: VMID, _ request: VMCloneRequest) async throws -> VMClonePlan {
        let (sourceConfig, _) = try await read(vmid)
        try Self.checkLock(sourceConfig, vmid: vmid, skiplock: sourceConfig.lock == "clone")
        let base = try cloneBase(sourceConfig, snapshot: request.snapname)
        if await isRunning(vmid) {
            throw VMError.failed("cloning a running VM is not supported by Faro yet - shut VM \(vmid) down first")
        }
        let full = request.full ?? !sourceConfig.isTemplate
        if !full {
            if request.storage != nil { throw VMError.parameter("storage", "parameter 'storage' not allowed for linked clones") }
            if request.format != nil { throw VMError.parameter("format", "parameter 'format' not allowed for linked clones") }
            guard sourceConfig.isTemplate else {
                throw VMError.parameter("full", "a linked clone needs a template - VM \(vmid) is not one (clone it with 'full')")
            }
        }
        let disks = try await cloneDisks(base, full: full, request: request)
        let datacenter = try await self.datacenter()
        var plan = VMClonePlan(
            source: vmid, newid: request.newid, config: try newCloneConfig(base, vmid: vmid, request: request, datacenter: datacenter),
            disks: disks, snapshot: request.snapname)
        plan.bytesPerSecond = try await cloneBandwidth(disks, override: request.bwlimit, datacenter: datacenter)
        do {
            try await store.create(configPath(request.newid), data: Array("lock: clone\n".utf8))
        } catch StoreError.alreadyExists, StoreError.vmidInUse {
            throw VMError.alreadyExists(vmid: request.newid)
        }
        do {
            try await acquireCloneLock(vmid)
        } catch {
            try? await store.delete(configPath(request.newid), ifRevision: nil)
            throw error
        }
        return plan
    }

    /// The config the clone copies: the main section, or a snapshot's.
    func cloneBase(_ config: VMConfig, snapshot: String?) throws -> VMConfig {
        guard let snapshot else { return config }
        guard config.snapshotNames.contains(snapshot), let section = config.file[section: snapshot] else {
            throw VMError.parameter("snapname", "snapshot '\(snapshot)' does not exist")
        }
        return VMConfig(snapshotSection: section)
    }

    /// Decides per disk how it is copied, refusing what a storage cannot do before anything runs.
    func cloneDisks(_ base: VMConfig, full: Bool, request: VMCloneRequest) async throws -> [VMClonePlan.Disk] {
        let requested: VolumeFormat?
        if let name = request.format {
            guard let format = VolumeFormat(rawValue: name), format != .subvol else {
                throw VMError.parameter("format", "unsupported format '\(name)' for a VM disk")
            }
            requested = format
        } else {
            requested = nil
        }
        if let target = request.storage { _ = try await imagesStorage(target, key: "storage") }
        var disks: [VMClonePlan.Disk] = []
        for drive in try base.volumeDrives() where !drive.isCDROM && !drive.isNone {
            guard let volume = drive.volumeID else {
                throw VMError.failed("drive '\(drive.key)' uses the path '\(drive.file)', not a storage volume - it cannot be cloned")
            }
            let id = try VolumeID(parsing: volume)
            let plugin = try await storage.plugin(id.storage)
            guard full else {
                guard plugin.capabilities.contains(.linkedClones), Self.isBaseVolume(id.name) else {
                    throw VMError.failed("Linked clone feature is not supported for drive '\(drive.key)' ('\(volume)')")
                }
                disks.append(.init(key: drive.key, volume: volume, copy: .linked))
                continue
            }
            let target = try await imagesStorage(request.storage ?? id.storage, key: request.storage == nil ? drive.key : "storage")
            let sourceFormat = try await plugin.info(id.name).format
            let format: VolumeFormat
            do {
                format = try storage.copyFormat(on: target, requested: requested, source: sourceFormat)
            } catch StorageError.invalidOption(_, let message) {
                throw VMError.parameter("format", message)
            }
            disks.append(.init(key: drive.key, volume: volume, copy: .full(storage: target.id, format: format.rawValue)))
        }
        return disks
    }

    func cloneBandwidth(_ disks: [VMClonePlan.Disk], override: Int?, datacenter: DatacenterConfig) async throws -> UInt64? {
        var involved: [any StoragePlugin] = []
        for disk in disks {
            involved.append(try await storage.plugin(try VolumeID(parsing: disk.volume).storage))
            if case .full(let target, _) = disk.copy { involved.append(try await storage.plugin(target)) }
        }
        return storage.bandwidthLimit("clone", storages: involved, override: override, datacenter: datacenter)
    }

    /// The task part: copies or links every disk, then writes the new config in place of the
    /// reservation. Releases the source's clone lock whatever happens.
    public func runClone(_ plan: VMClonePlan, log: @Sendable (String) -> Void) async throws {
        var config = plan.config
        var made: [String] = []
        do {
            for disk in plan.disks {
                log("create \(disk.copy == .linked ? "linked" : "full") clone of drive \(disk.key) (\(disk.volume))")
                let volume = try await cloneDisk(disk, plan: plan)
                made.append(volume)
                var drive = try Drive(key: disk.key, text: config[disk.key] ?? disk.volume)
                drive.values["file"] = volume
                drive.values["format"] = nil
                config[disk.key] = drive.text
            }
            try await store.write(configPath(plan.newid), text: config.render())
        } catch {
            log("clone failed - removing what was made")
            await free(made, log: log)
            try? await store.delete(configPath(plan.newid), ifRevision: nil)
            await releaseCloneLock(plan.source)
            throw error
        }
        await releaseCloneLock(plan.source)
    }

    /// Gives up a prepared clone whose task never started.
    public func abandonClone(_ plan: VMClonePlan) async {
        try? await store.delete(configPath(plan.newid), ifRevision: nil)
        await releaseCloneLock(plan.source)
    }

    func cloneDisk(_ disk: VMClonePlan.Disk, plan: VMClonePlan) async throws -> String {
        let id = try VolumeID(parsing: disk.volume)
        let source = try await storage.plugin(id.storage)
        let newid = plan.newid
        switch disk.copy {
        case .linked:
            return VolumeID(storage: id.storage, name: try await source.linkedClone(id.name, vmid: newid)).description
        case .full(let targetID, let format):
            let target = try await storage.plugin(targetID)
            let name = try await storage.copyImage(
                from: source, id.name, snapshot: plan.snapshot, to: target, vmid: newid, format: VolumeFormat(rawValue: format)!,
                bytesPerSecond: plan.bytesPerSecond)
            return VolumeID(storage: targetID, name: name).description
        }
    }
}
