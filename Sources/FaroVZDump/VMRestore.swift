import FaroBackup
import FaroConfig
import FaroModel
import FaroQemu
import FaroStorage
import FaroSupport
import Foundation

/// `qmrestore` / `POST /nodes/{node}/qemu` with `archive`: a VM from a VMA archive. The disks
/// stream from the (decompressed) archive into new volumes; the config is the archive's, with
/// the new volume ids (facts §3.7). A restore that fails frees what it allocated and removes
/// the config it reserved.
public struct VMRestore: Sendable {
    public struct Request: Sendable {
        public var vmid: VMID
        /// The archive file.
        public var archive: String
        /// Target storage for every disk, instead of the map lines' storages.
        public var storage: String?
        public var unique = false
        /// Restore over an existing VM (stopped, not protected, not locked); its old disks go
        /// only once the restore has succeeded.
        public var force = false
        /// Options given with the call, which override the restored config.
        public var overrides: [String: String] = [:]

        public init(vmid: VMID, archive: String) {
            self.vmid = vmid
            self.archive = archive
        }
    }

    /// One archive device and where it goes.
    public struct Mapping: Sendable {
        public var key: String
        public var device: VMAHeader.Device
        public var storage: String
    }

    public let vms: VMService
    public let storage: StorageService
    public let runner: any CommandRunner

    public init(vms: VMService, storage: StorageService, runner: any CommandRunner) {
        self.vms = vms
        self.storage = storage
        self.runner = runner
    }

    var compression: (String) throws -> BackupCompression {
        { path in
            guard let value = BackupCompression(fileName: path), path.contains(".vma") else {
                throw VZDumpError.parameter("archive", "'\(path)' is not a VMA archive")
            }
            return value
        }
    }

    /// What `prepare` found: the archive's header, where each device goes, and with `force`
    /// the config of the VM being replaced (as it was before the restore locked it).
    public struct Plan: Sendable {
        public var header: VMAHeader
        public var mappings: [Mapping]
        public var replacing: VMConfig?
    }

    /// Reads the header, checks the map lines against the devices and the target storages,
    /// and reserves the VMID (or, with `force`, locks the existing VM); the errors answer the
    /// request before a task starts.
    public func prepare(_ request: Request) async throws -> Plan {
        let file = ArchiveFile(runner: runner)
        let header = try await file.read(from: request.archive, compression: compression(request.archive), complete: false) {
            source, _ throws(BackupError) in try VMAHeader.read(from: source)
        }
        guard let config = header.config(named: "qemu-server.conf") else {
            throw VZDumpError.failed("archive holds no qemu-server.conf")
        }
        var mappings: [Mapping] = []
        for line in String(decoding: config.data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("#qmdump#map:") {
            let fields = line.dropFirst("#qmdump#map:".count).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4 else { continue }
            guard let device = header.devices.first(where: { $0.name == fields[1] }) else {
                throw VZDumpError.failed("archive does not contain data for drive '\(fields[0])'")
            }
            let target = request.storage ?? (fields[2].isEmpty ? "local" : fields[2])
            mappings.append(Mapping(key: fields[0], device: device, storage: target))
        }
        for device in header.devices where device.name != "vmstate" && !mappings.contains(where: { $0.device.id == device.id }) {
            throw VZDumpError.failed("found no device mapping information for device '\(device.name)'")
        }
        for target in Set(mappings.map(\.storage)) {
            let plugin = try await storage.plugin(target)
            guard storage.content(of: plugin.definition).contains(.images) else {
                throw VZDumpError.parameter("storage", "storage '\(target)' does not support vm images")
            }
        }
        do {
            try await vms.store.create(vms.configPath(request.vmid), data: Array("lock: create\n".utf8))
            return Plan(header: header, mappings: mappings, replacing: nil)
        } catch {
            guard request.force, (try? await vms.read(request.vmid)) != nil else { throw VMError.alreadyExists(vmid: request.vmid) }
        }
        let replacing = try await lockForOverwrite(request.vmid)
        return Plan(header: header, mappings: mappings, replacing: replacing)
    }

    /// Undoes `prepare` when the call is refused before its task starts.
    public func abandon(_ plan: Plan, vmid: VMID) async {
        if let original = plan.replacing {
            try? await vms.store.write(vms.configPath(vmid), text: original.render())
        } else {
            await vms.abandonCreate(vmid: vmid)
        }
    }

    /// `force`: the existing VM must be stopped, unprotected and unlocked; it gets
    /// `lock: create` and keeps everything else until the restore succeeded.
    func lockForOverwrite(_ vmid: VMID) async throws -> VMConfig {
        let vms = self.vms
        return try await vms.update(vmid) { config in
            if config.isProtected { throw VZDumpError.failed("unable to restore VM \(vmid) - protection mode enabled") }
            if let lock = config.lock { throw VZDumpError.failed("unable to restore VM \(vmid) - VM is locked (\(lock))") }
            if await vms.isRunning(vmid) { throw VZDumpError.failed("unable to restore VM \(vmid) - vm is running") }
            let original = config
            config["lock"] = "create"
            return original
        }
    }

    /// The task's part: volumes, data, config.
    public func restore(_ request: Request, plan: Plan, log: @escaping @Sendable (String) -> Void) async throws {
        let header = plan.header, mappings = plan.mappings
        var allocated: [String] = []
        do {
            var volumes: [String: String] = [:]
            var targets: [Int: (path: String, zeroed: Bool)] = [:]
            for mapping in mappings {
                let plugin = try await storage.plugin(mapping.storage)
                let name = try await plugin.allocate(
                    vmid: request.vmid, name: nil, format: .raw, sizeKiB: (mapping.device.size + 1023) / 1024)
                let volid = "\(mapping.storage):\(name)"
                allocated.append(volid)
                volumes[mapping.key] = volid
                log("new volume ID is '\(volid)'")
                let zeroed = plugin.capabilities.contains(.files) || plugin.capabilities.contains(.thinProvisioning)
                targets[mapping.device.id] = (try plugin.path(name), zeroed)
            }
            let writers = targets
            let started = Date()
            log("restore vma archive: \(request.archive)")
            let total = try await ArchiveFile(runner: runner).read(
                from: request.archive, compression: compression(request.archive), complete: true
            ) { source, cancel throws(BackupError) -> UInt64 in
                let reader = try VMAReader(source: source)
                var disks: [Int: any DiskWriter] = [:]
                for (id, target) in writers { disks[id] = try RawDisk(path: target.path, writable: true, readsZeroWhenNew: target.zeroed) }
                var done: UInt64 = 0
                try VMADiskCopy.restore(reader, into: disks, cancel: cancel) { progress in
                    let percent = progress.total == 0 ? 100 : Int(progress.done * 100 / progress.total)
                    log("progress \(percent)% (read \(progress.done) bytes, zeroes = \(progress.zeros * 100 / max(progress.done, 1))% (\(progress.zeros) bytes))")
                    done = progress.done
                }
                return done
            }
            log("total bytes read \(total), \(Int(Date().timeIntervalSince(started))) seconds")
            var config = try await restoredConfig(request, header: header, volumes: volumes)
            let replaced = plan.replacing.map { Self.replacedVolumes($0, vmid: request.vmid, restoring: Set(volumes.keys)) }
            for volume in replaced?.kept ?? [] {
                if let key = config.nextUnusedKey() { config[key] = volume }
            }
            try await vms.store.write(vms.configPath(request.vmid), text: config.render())
            for volume in replaced?.freed ?? [] {
                log("removing old volume '\(volume)'")
                do {
                    let id = try VolumeID(parsing: volume)
                    try await storage.plugin(id.storage).free(id.name)
                } catch {
                    log("WARN: unable to free old volume '\(volume)' - \(error)")
                }
            }
        } catch {
            log("restore failed - removing what was allocated")
            for volid in allocated {
                if let id = try? VolumeID(parsing: volid) { try? await storage.plugin(id.storage).free(id.name) }
            }
            await abandon(plan, vmid: request.vmid)
            throw error
        }
    }

    /// The old VM's volumes after a `force` restore: those of the drives the archive restored
    /// are freed; the VM's other volumes (also those only its snapshots use) stay as `unusedN`.
    /// Volumes of other guests are neither.
    static func replacedVolumes(_ old: VMConfig, vmid: VMID, restoring keys: Set<String>) -> (freed: [String], kept: [String]) {
        func owned(_ volume: String) -> Bool {
            guard let name = volume.split(separator: "/").last else { return false }
            return name.hasPrefix("vm-\(vmid)-") || name.hasPrefix("base-\(vmid)-")
        }
        var freed: [String] = [], kept: [String] = []
        for (key, volume) in old.ownedVolumes() where owned(volume) && keys.contains(key) { freed.append(volume) }
        var others = old.ownedVolumes()
        for name in old.snapshotNames {
            if let section = old.file[section: name] { others += VMConfig(snapshotSection: section).ownedVolumes() }
        }
        for (_, volume) in others where owned(volume) && !freed.contains(volume) && !kept.contains(volume) { kept.append(volume) }
        return (freed, kept)
    }

    /// The archive's config with the new volumes: no `#qmdump#` lines, `lock`, `parent`,
    /// `unusedN`; drives left out of the backup written back commented out; a new `vmgenid`;
    /// with `unique`, new MACs and SMBIOS UUID; then the call's own options.
    func restoredConfig(_ request: Request, header: VMAHeader, volumes: [String: String]) async throws -> VMConfig {
        let text = String(decoding: header.config(named: "qemu-server.conf")!.data, as: UTF8.self)
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#qmdump#") && !$0.hasPrefix("#vzdump#") }
        var config = try VMConfig(parsing: kept.joined(separator: "\n"))
        config.file.sections = []
        for key in config.options.keys where key == "lock" || key == "parent" || key.hasPrefix("unused") { config[key] = nil }
        var excluded: [String] = []
        for drive in try config.volumeDrives() where !drive.isCDROM && !drive.isNone {
            guard let volid = volumes[drive.key] else {
                excluded.append("#\(drive.key): \(drive.text)")
                config[drive.key] = nil
                continue
            }
            var restored = drive
            restored.values["file"] = volid
            restored.values["format"] = nil
            config[drive.key] = restored.text
        }
        if let generation = config["vmgenid"], generation != "0" { config["vmgenid"] = UUID().uuidString.lowercased() }
        if request.unique {
            let datacenter = try await vms.datacenter()
            for var net in try config.nets() {
                net.macAddress = datacenter.randomMAC()
                config[net.key] = net.text
            }
            config["smbios1"] = VMService.withNewUUID(config["smbios1"])
        }
        for (key, value) in request.overrides { config[key] = value }
        if !excluded.isEmpty { config.description = ([config.description].compactMap { $0 } + excluded).joined(separator: "\n") }
        return config
    }
}
