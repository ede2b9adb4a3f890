import FaroModel
import FaroSupport

/// A btrfs file system mounted at `path`: files as on a directory storage, but every raw image
/// lives in a subvolume of its own (`images/<vmid>/vm-<vmid>-disk-N/disk.raw`) and container
/// volumes are subvolumes (`images/<vmid>/subvol-<vmid>-disk-N`), so snapshots (read-only
/// `<subvolume>@<name>`) and clones are btrfs snapshots.
public struct BtrfsPlugin: StoragePlugin, FileStorage {
    public static let type = StoragePluginType(
        type: "btrfs", contentTypes: Set(ContentType.allCases), defaultContent: [.images, .rootdir],
        formats: [.raw, .subvol], defaultFormat: .raw,
        options: ["path", "mkdir", "create-base-path", "create-subdirs", "is_mountpoint", "content-dirs", "preallocation", "nocow"],
        required: ["path"], fixed: ["path"],
        make: { definition, context in try BtrfsPlugin(definition: definition, context: context) })

    public let definition: StorageDefinition
    public let context: StorageContext
    public let layout: FileLayout
    public var capabilities: StorageCapabilities { [.snapshots, .linkedClones, .thinProvisioning, .subvolumes, .files, .renameVolumes] }

    public init(definition: StorageDefinition, context: StorageContext) throws(StorageError) {
        self.definition = definition
        self.context = context
        layout = try FileLayout(definition: definition)
    }

    var btrfs: BtrfsTool { BtrfsTool(runner: context.runner) }

    public func activate() async throws {
        try activateDirectory()
        guard try await btrfs.isBtrfs(layout.base) else {
            throw StorageError.io("unable to activate storage '\(id)' - '\(layout.base)' is not on a btrfs file system")
        }
    }

    /// The subvolume holding a volume: for raw images the directory around `disk.raw`.
    func subvolume(_ volume: ParsedVolume) -> String {
        let stem = volume.name.split(separator: ".").dropLast().joined(separator: ".")
        return layout.directory(.images) + "/\(volume.vmid!)/" + stem
    }

    public func imagePath(_ volume: ParsedVolume) -> String {
        volume.format == "raw" ? subvolume(volume) + "/disk.raw" : subvolume(volume)
    }

    /// A volume moves with its subvolume.
    public func volumeEntry(_ volume: ParsedVolume) -> String { subvolume(volume) }

    public func imageVolumeNames(owner: VMID) -> [String] {
        let directory = layout.directory(.images) + "/\(owner)"
        return FileIO.listDirectory(directory).filter { !$0.contains("@") && !$0.hasSuffix(".tmp") }.compactMap { entry in
            guard FileIO.isDirectory(directory + "/" + entry) else { return nil }
            return "\(owner)/\(entry)" + (FileIO.exists(directory + "/" + entry + "/disk.raw") ? ".raw" : ".subvol")
        }
    }

    public func describeImage(_ volume: ParsedVolume, volname: String, path: String) async throws -> VolumeInfo? {
        guard let status = FileStatus.of(path), let vmid = volume.vmid else { return nil }
        let isSubvol = volume.format == "subvol"
        guard isSubvol ? status.kind == .directory : status.kind == .file else { return nil }
        let size = isSubvol ? try await btrfs.quotaLimit(path) ?? 0 : status.size
        return VolumeInfo(
            volid: VolumeID(storage: id, name: volname), content: isSubvol ? .rootdir : .images, format: volume.format,
            size: size, used: isSubvol ? nil : status.allocated, vmid: vmid, ctime: status.modified,
            parent: volume.baseName.map { "\(id):\(volume.baseVMID!)/\($0)" })
    }

    public func allocate(vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64) async throws -> String {
        guard format == .raw || format == .subvol else {
            throw StorageError.invalidOption("format", "storage type 'btrfs' does not support format '\(format.rawValue)'")
        }
        let (_, fileName) = try prepareImageName(vmid: vmid, name: name, format: format)
        let volname = "\(vmid)/\(fileName)"
        let volume = try VolumeName.parseFileVolume(volname)
        let subvolume = subvolume(volume)
        guard !FileIO.exists(subvolume) else { throw StorageError.volumeExists("\(id):\(volname)") }
        try await btrfs.createSubvolume(subvolume)
        do {
            if format == .raw {
                guard sizeKiB > 0 else { throw StorageError.invalidOption("size", "must be greater than 0") }
                try await QemuImage(runner: context.runner).create(
                    subvolume + "/disk.raw", format: .raw, sizeKiB: sizeKiB, preallocation: nil)
            } else if sizeKiB > 0 {
                try await btrfs.limitQuota(subvolume, base: layout.base, bytes: sizeKiB * 1024)
            }
        } catch {
            try? await btrfs.deleteSubvolume(subvolume)
            throw error
        }
        return volname
    }

    public func free(_ volname: String) async throws {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images || volume.content == .rootdir else {
            let path = try path(volname)
            guard FileStatus.of(path) != nil else { throw StorageError.noSuchVolume("\(id):\(volname)") }
            FileIO.remove(path)
            for companion in [".notes", ".protected"] { FileIO.remove(path + companion) }
            return
        }
        let subvolume = subvolume(volume)
        try layout.ensureInside(subvolume)
        guard FileIO.isDirectory(subvolume) else { throw StorageError.noSuchVolume("\(id):\(volname)") }
        for snapshot in snapshots(of: subvolume) { try await btrfs.deleteSubvolume(snapshot) }
        try await btrfs.deleteSubvolume(subvolume)
    }

    func snapshots(of subvolume: String) -> [String] {
        let directory = String(subvolume[..<subvolume.lastIndex(of: "/")!])
        let name = String(subvolume[subvolume.index(after: subvolume.lastIndex(of: "/")!)...])
        return FileIO.listDirectory(directory).filter { $0.hasPrefix(name + "@") }.map { directory + "/" + $0 }
    }
}
