import FaroConfig
import FaroGuestSchema
import FaroModel
import FaroSchema
import FaroStorage
import FaroStore
import Foundation

/// Checks one option value before it is stored, and turns requests (`local:4`, a NIC without
/// MAC) into what the config keeps.
extension VMService {
    /// The normalised value of `key`, or a parameter error naming `key`.
    func validate(_ key: String, _ value: String, vmid: VMID, isRoot: Bool) async throws -> String {
        guard VMOptions.isSupported(key) else { throw VMError.parameter(key, "option '\(key)' is not supported by Faro yet") }
        if VMOptions.internalKeys.contains(key) { throw VMError.parameter(key, "option '\(key)' is set by the system") }
        if key == "args", !isRoot { throw VMError.parameter(key, "only root can set 'args' config") }
        if let refusal = VMOptions.refusal(of: key, value: value) { throw VMError.parameter(key, refusal) }
        if let (bus, _) = VMOptions.splitIndexed(key) {
            if VMOptions.driveBuses.contains(bus) { return try await validateDrive(key, value, vmid: vmid, isRoot: isRoot) }
            if bus == "net" { return try await validateNet(key, value, vmid: vmid) }
        }
        if key == Drive.efiDiskKey || key == Drive.tpmStateKey { return try await validateDrive(key, value, vmid: vmid, isRoot: isRoot) }
        if key == "vmgenid", value == "1" { return UUID().uuidString.lowercased() }
        return value
    }

    func validateNet(_ key: String, _ value: String, vmid: VMID) async throws -> String {
        var net: NetDevice
        do {
            net = try NetDevice(key: key, text: value)
        } catch {
            throw VMError.parameter(key, Self.message(error))
        }
        if net.macAddress == nil { net.macAddress = try await datacenter().randomMAC() }
        return net.text
    }

    /// `datacenter.cfg`, for the MAC prefix of new NICs.
    public func datacenter() async throws -> DatacenterConfig {
        DatacenterConfig.reading(try await store.read(StoreLayout.datacenterConfig)?.text ?? "").config
    }

    static func message(_ error: VMConfigError) -> String {
        switch error {
        case .invalidOption(_, let message): return message
        case .unparsable(let message): return message
        }
    }

    func validateDrive(_ key: String, _ value: String, vmid: VMID, isRoot: Bool) async throws -> String {
        let drive: Drive
        do {
            drive = try Drive(key: key, text: value)
        } catch {
            throw VMError.parameter(key, Self.message(error))
        }
        if drive.isNone {
            guard drive.isCDROM, !drive.isEFIDisk, !drive.isTPMState else { throw VMError.parameter(key, "'none' is only allowed for CD-ROM drives (media=cdrom)") }
            return drive.text
        }
        if let storageID = drive.cloudInitRequest {
            guard ["ide", "sata", "scsi"].contains(drive.bus) else {
                throw VMError.parameter(key, "a cloud-init drive must be on an ide, sata or scsi bus")
            }
            _ = try await imagesStorage(storageID, key: key)
            var stored = drive
            stored.values["media"] = "cdrom"
            return stored.text
        }
        if let source = drive.values["import-from"] {
            guard drive.allocationRequest != nil, !drive.isEFIDisk else {
                throw VMError.parameter(key, "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>")
            }
            _ = try await imagesStorage(drive.allocationRequest!.storage, key: key)
            _ = try await importSource(key, source, isRoot: isRoot)
            return drive.text
        }
        if let request = drive.allocationRequest {
            _ = try await imagesStorage(request.storage, key: key)
            if drive.isEFIDisk {
                try Self.checkVariablesTemplate(OVMFFirmware(drive, q35: false), key: key)
            } else if drive.isTPMState {
                try TPMEmulator.requireInstalled(key: key)
            } else if request.sizeGiB <= 0 {
                throw VMError.parameter(key, "disk size must be larger than 0 GiB")
            }
            return drive.text
        }
        guard let volume = drive.volumeID else {
            guard isRoot else { throw VMError.parameter(key, "only root may use the path '\(drive.file)' as a drive") }
            guard FileManager.default.fileExists(atPath: drive.file) else {
                throw VMError.parameter(key, "path '\(drive.file)' does not exist")
            }
            return drive.text
        }
        let id: VolumeID
        do {
            id = try VolumeID(parsing: volume)
        } catch {
            throw VMError.parameter(key, error.description)
        }
        let plugin: any StoragePlugin
        do {
            plugin = try await storage.plugin(id.storage)
        } catch {
            throw VMError.parameter(key, "\(error)")
        }
        let parsed = try? VolumeName.parseFileVolume(id.name)
        if parsed?.content == .iso {
            guard drive.isCDROM else { throw VMError.parameter(key, "'\(volume)' is an ISO image - attach it with media=cdrom") }
            guard let path = try? plugin.path(id.name), FileManager.default.fileExists(atPath: path) else {
                throw VMError.parameter(key, "volume '\(volume)' does not exist")
            }
            return drive.text
        }
        if drive.isCDROM { throw VMError.parameter(key, "'\(volume)' is not an ISO image") }
        guard parsed?.content == .images || parsed == nil else { throw VMError.parameter(key, "'\(volume)' is not a disk image") }
        if let owner = parsed?.vmid, owner != vmid, !isRoot {
            throw VMError.parameter(key, "volume '\(volume)' belongs to VM \(owner)")
        }
        let info: VolumeInfo
        do {
            info = try await plugin.info(id.name)
        } catch {
            throw VMError.parameter(key, "volume '\(volume)' does not exist")
        }
        var stored = drive
        stored.values["size"] = SizeFormat.format(Int(info.size))
        return stored.text
    }

    /// The image `import-from` names: a disk image or `import` volume of a storage, or (root
    /// only) an absolute path; with its path and what `qemu-img` says it is.
    func importSource(_ key: String, _ source: String, isRoot: Bool) async throws -> (path: String, info: QemuImage.Info) {
        let path: String
        if source.hasPrefix("/") {
            guard isRoot else { throw VMError.parameter(key, "import-from: only root may import from the path '\(source)'") }
            path = source
        } else {
            let id: VolumeID
            do { id = try VolumeID(parsing: source) } catch { throw VMError.parameter(key, "import-from: \(error.description)") }
            let plugin: any StoragePlugin
            do { plugin = try await storage.plugin(id.storage) } catch { throw VMError.parameter(key, "import-from: \(error)") }
            let content = (try? VolumeName.parseFileVolume(id.name))?.content
            guard content == .images || content == .import || content == nil else {
                throw VMError.parameter(key, "import-from: '\(source)' is not a disk image")
            }
            do { path = try plugin.path(id.name) } catch { throw VMError.parameter(key, "import-from: \(error)") }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw VMError.parameter(key, "import-from: '\(source)' does not exist")
        }
        let info: QemuImage.Info
        do { info = try await QemuImage(runner: runtime.runner).info(path) } catch {
            throw VMError.parameter(key, "import-from: '\(source)' is not a disk image qemu-img can read")
        }
        guard Self.importFormats.contains(info.format) else {
            throw VMError.parameter(key, "import-from: unsupported format '\(info.format)' of '\(source)' (raw, qcow2 or vmdk)")
        }
        guard info.backingFile == nil else { throw VMError.parameter(key, "import-from: '\(source)' has a backing file") }
        return (path, info)
    }

    static let importFormats: Set<String> = ["raw", "qcow2", "vmdk"]

    /// A storage that may hold disk images.
    func imagesStorage(_ id: String, key: String) async throws -> any StoragePlugin {
        let plugin: any StoragePlugin
        do {
            plugin = try await storage.plugin(id)
        } catch {
            throw VMError.parameter(key, "\(error)")
        }
        guard storage.content(of: plugin.definition).contains(.images) else {
            throw VMError.parameter(key, "storage '\(id)' does not support content-type 'images'")
        }
        return plugin
    }

    static func checkVariablesTemplate(_ firmware: OVMFFirmware, key: String) throws {
        guard FileManager.default.fileExists(atPath: firmware.variablesTemplate) else {
            throw VMError.parameter(key, "EFI vars template '\(firmware.variablesTemplate)' not found - is the ovmf package installed?")
        }
    }

    /// Allocates the disk a `STORAGE:SIZE_GiB` drive asks for; returns the drive text with the
    /// new volume and its size, and the volume id. An EFI disk gets the size of the firmware's
    /// variables template, and the template is copied into it.
    func allocateDisk(_ key: String, _ value: String, vmid: VMID) async throws -> (text: String, volume: String)? {
        guard var drive = try? Drive(key: key, text: value) else { return nil }
        if let storageID = drive.cloudInitRequest { return try await allocateCloudInitDrive(drive, storage: storageID, vmid: vmid) }
        guard let request = drive.allocationRequest else { return nil }
        let plugin = try await imagesStorage(request.storage, key: key)
        let firmware = drive.isEFIDisk ? OVMFFirmware(drive, q35: false) : nil
        // An imported disk is as large as its source (the size in the request is ignored).
        // (`validate` already checked who may import from where.)
        var source: (path: String, info: QemuImage.Info)?
        if let from = drive.values["import-from"] { source = try await importSource(key, from, isRoot: true) }
        let kib = firmware.map { UInt64($0.variablesSize / 1024) }
            ?? (drive.isTPMState ? TPMEmulator.volumeSizeKiB : nil)
            ?? source.map { ($0.info.virtualSize + 1023) / 1024 }
            ?? UInt64((request.sizeGiB * 1_048_576).rounded(.up))
        // swtpm keeps its state in a plain file or block device: always raw.
        let formatName = drive.isTPMState ? "raw" : drive.values["format"] ?? plugin.definition["format"]
            ?? storage.types[plugin.definition.type]?.defaultFormat.rawValue ?? "raw"
        guard let format = VolumeFormat(rawValue: formatName), format != .subvol else {
            throw VMError.parameter(key, "unsupported format '\(formatName)' for a VM disk")
        }
        let volname = try await plugin.allocate(vmid: vmid, name: nil, format: format, sizeKiB: kib)
        let volume = VolumeID(storage: request.storage, name: volname).description
        if let source {
            do {
                try await QemuImage(runner: runtime.runner).convert(
                    from: source.path, sourceFormat: source.info.format, to: try plugin.path(volname), targetFormat: format.rawValue)
            } catch {
                try? await plugin.free(volname)
                throw VMError.failed("\(key): unable to import '\(drive.values["import-from"]!)' - \(error)")
            }
            drive.values["import-from"] = nil
        }
        if let firmware {
            do {
                try await QemuImage(runner: runtime.runner).convert(
                    from: firmware.variablesTemplate, sourceFormat: "raw", to: try plugin.path(volname), targetFormat: format.rawValue)
            } catch {
                try? await plugin.free(volname)
                throw VMError.failed("\(key): unable to copy the EFI vars template - \(error)")
            }
        }
        drive.values["file"] = volume
        drive.values["format"] = nil
        drive.values["size"] = SizeFormat.format(Int(kib * 1024))
        return (drive.text, volume)
    }
}

