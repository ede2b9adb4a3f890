import FaroConfig
import FaroModel
import FaroStorage
import FaroSupport
import Foundation

/// The cloud-init drive: `ideN/sataN/scsiN: STORAGE:cloudinit` makes a small volume
/// `vm-<vmid>-cloudinit`, attached as a CD-ROM. Before each start (and on `PUT .../cloudinit`)
/// the image is written anew from the config (`CloudInitData`, `genisoimage`), and the values
/// it was made from are kept in the config's `[special:cloudinit]` section, which
/// `GET .../cloudinit` compares with the config to show what a new image would change.
extension VMService {
    /// The cloud-init volume's size; the image of a generated config is a few hundred KiB.
    static let cloudInitSizeKiB: UInt64 = 4 * 1024
    static let cloudInitSection = "special:cloudinit"

    func allocateCloudInitDrive(_ drive: Drive, storage id: String, vmid: VMID) async throws -> (text: String, volume: String) {
        let plugin = try await imagesStorage(id, key: drive.key)
        let formatName = plugin.definition["format"] ?? storage.types[plugin.definition.type]?.defaultFormat.rawValue ?? "raw"
        guard let format = VolumeFormat(rawValue: formatName), format == .raw || format == .qcow2 else {
            throw VMError.parameter(drive.key, "unsupported format '\(formatName)' for a cloud-init drive")
        }
        let stem = "vm-\(vmid)-cloudinit"
        let name = plugin.capabilities.contains(.files) ? stem + "." + format.rawValue : stem
        let volname = try await plugin.allocate(vmid: vmid, name: name, format: format, sizeKiB: Self.cloudInitSizeKiB)
        var made = drive
        let volume = VolumeID(storage: id, name: volname).description
        made.values["file"] = volume
        made.values["media"] = "cdrom"
        return (made.text, volume)
    }

    /// The cloud-init files the config gives now (`cicustom` snippets read from their storage).
    public func cloudInitData(_ vmid: VMID, _ config: VMConfig) async throws -> CloudInitData {
        var snippets: [String: String] = [:]
        for volume in Set(cloudInitSnippetVolumes(config)) {
            snippets[volume] = try await snippetText(volume)
        }
        return try CloudInitData.build(config, vmid: vmid) { volume in snippets[volume] ?? "" }
    }

    func cloudInitSnippetVolumes(_ config: VMConfig) -> [String] {
        guard let text = config["cicustom"] else { return [] }
        return text.split(separator: ",").compactMap { item in item.split(separator: "=", maxSplits: 1).last.map(String.init) }
    }

    func snippetText(_ volume: String) async throws -> String {
        do {
            let id = try VolumeID(parsing: volume)
            let plugin = try await storage.plugin(id.storage)
            guard (try? VolumeName.parseFileVolume(id.name))?.content == .snippets else {
                throw VMError.parameter("cicustom", "'\(volume)' is not a snippets volume")
            }
            return try String(decoding: FileIO.read(try plugin.path(id.name)), as: UTF8.self)
        } catch let error as VMError {
            throw error
        } catch {
            throw VMError.parameter("cicustom", "unable to read '\(volume)' - \(error)")
        }
    }

    /// Writes the VM's cloud-init image from its config and records the values used; false
    /// when the VM has no cloud-init drive.
    @discardableResult
    public func regenerateCloudInit(_ vmid: VMID, log: @Sendable (String) -> Void = { _ in }) async throws -> Bool {
        let config = try await read(vmid).config
        guard let drive = try config.cloudInitDrive(), drive.isCloudInit, let volume = drive.volumeID else { return false }
        let data = try await cloudInitData(vmid, config)
        let id = try VolumeID(parsing: volume)
        let plugin = try await storage.plugin(id.storage)
        let target = try plugin.path(id.name)
        let info = try await QemuImage(runner: runtime.runner).info(target)
        let work = "\(runtime.runDir)/cloudinit-\(vmid)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        for file in data.files {
            let path = "\(work)/files/\(file.path)"
            try FileIO.makeDirectory((path as NSString).deletingLastPathComponent, mode: 0o700)
            try FileIO.writeAtomically(path, Array(file.contents.utf8), mode: 0o600)
        }
        let image = "\(work)/image.iso"
        try await runtime.runner.checked([
            "genisoimage", "-quiet", "-iso-level", "3", "-R", "-J", "-V", data.label, "-o", image, "\(work)/files",
        ])
        let size = (try FileManager.default.attributesOfItem(atPath: image)[.size] as? NSNumber)?.int64Value ?? 0
        guard UInt64(size) <= info.virtualSize else {
            throw VMError.failed("cloud-init data of VM \(vmid) needs \(size) bytes, more than its drive \(volume) holds")
        }
        try await QemuImage(runner: runtime.runner).convert(from: image, sourceFormat: "raw", to: target, targetFormat: info.format)
        log("generated the cloud-init image \(volume) (\(data.format.rawValue))")
        let used = config.options.filter { CloudInitData.isCloudInitKey($0.key) }
        try await update(vmid) { config in
            config.file.sections.removeAll { $0.name.lowercased() == Self.cloudInitSection }
            let position = config.file.sections.firstIndex { $0.name.uppercased() != VMConfig.pendingSection } ?? config.file.sections.count
            config.file.sections.insert((Self.cloudInitSection, GuestConfigFile.Section(options: used)), at: position)
        }
        return true
    }

    /// `GET .../cloudinit`: each cloud-init key with the value of the current image and, where
    /// the config differs, the value a new image would get (or `delete`).
    public func cloudInitPending(_ vmid: VMID) async throws -> [(key: String, value: String?, pending: String?, delete: Bool)] {
        let config = try await read(vmid).config
        var current = config
        current.applyPending()
        let used = config.file[section: Self.cloudInitSection]?.options ?? [:]
        let now = current.options.filter { CloudInitData.isCloudInitKey($0.key) }
        return Set(used.keys).union(now.keys).sorted().map { key in
            let (old, new) = (used[key], now[key])
            return (key, old, old == new ? nil : new, old != nil && new == nil)
        }
    }
}
