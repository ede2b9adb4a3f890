#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport

/// A directory on a local (or externally mounted) file system: every content type, images as
/// raw, qcow2 or vmdk files, container volumes as directories, qcow2 snapshots and linked
/// clones from `base-` images.
public struct DirPlugin: StoragePlugin, FileStorage {
    public static let type = StoragePluginType(
        type: "dir", contentTypes: Set(ContentType.allCases), defaultContent: [.images, .rootdir],
        formats: [.raw, .qcow2, .vmdk, .subvol], defaultFormat: .raw,
        options: ["path", "mkdir", "create-base-path", "create-subdirs", "is_mountpoint", "content-dirs", "preallocation"],
        required: ["path"], fixed: ["path"],
        make: { definition, context in try DirPlugin(definition: definition, context: context) })

    public let definition: StorageDefinition
    public let context: StorageContext
    public let layout: FileLayout
    public var capabilities: StorageCapabilities { [.snapshots, .linkedClones, .thinProvisioning, .subvolumes, .files, .renameVolumes] }

    public init(definition: StorageDefinition, context: StorageContext) throws(StorageError) {
        self.definition = definition
        self.context = context
        layout = try FileLayout(definition: definition)
    }

    var qemuImage: QemuImage { QemuImage(runner: context.runner) }

    public func activate() async throws {
        try activateDirectory()
    }

    public func allocate(vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64) async throws -> String {
        let (directory, fileName) = try prepareImageName(vmid: vmid, name: name, format: format)
        let path = directory + "/" + fileName
        if format == .subvol {
            try FileIO.makeDirectory(path)
        } else {
            guard sizeKiB > 0 else { throw StorageError.invalidOption("size", "must be greater than 0") }
            try await qemuImage.create(path, format: format, sizeKiB: sizeKiB, preallocation: preallocation(format))
        }
        return "\(vmid)/\(fileName)"
    }

    func preallocation(_ format: VolumeFormat) -> String? {
        let mode = definition["preallocation"] ?? "metadata"
        // Raw files have no metadata to preallocate: with `metadata` they stay sparse.
        return format == .raw && mode == "metadata" ? nil : mode
    }

    public func free(_ volname: String) async throws {
        let volume = try VolumeName.parseFileVolume(volname)
        let path = try self.path(volname)
        guard let status = FileStatus.of(path) else { throw StorageError.noSuchVolume("\(id):\(volname)") }
        if status.kind == .directory { FileIO.removeTree(path) } else { FileIO.remove(path) }
        if volume.content == .backup {
            for companion in [".notes", ".protected"] { FileIO.remove(path + companion) }
            // The log vzdump wrote beside the archive goes with it.
            if let slash = path.lastIndex(of: "/"), let archive = BackupArchive(fileName: String(path[path.index(after: slash)...])) {
                FileIO.remove(path[..<slash] + "/" + archive.logName)
            }
        }
    }

    public func resize(_ volname: String, bytes: UInt64) async throws {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images, volume.format != "subvol" else { throw unsupported("resizing '\(volname)'") }
        try await qemuImage.resize(try path(volname), format: volume.format, bytes: bytes)
    }

    public func snapshot(_ volname: String, name: String) async throws {
        try await qemuImage.snapshot(try qcow2Path(volname), create: name)
    }

    public func rollback(_ volname: String, to name: String) async throws {
        try await qemuImage.snapshot(try qcow2Path(volname), apply: name)
    }

    public func deleteSnapshot(_ volname: String, name: String) async throws {
        try await qemuImage.snapshot(try qcow2Path(volname), delete: name)
    }

    func qcow2Path(_ volname: String) throws -> String {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images, volume.format == "qcow2" else {
            throw StorageError.unsupported(storage: id, operation: "snapshots of '\(volume.format)' volumes")
        }
        return try path(volname)
    }

    public func createBase(_ volname: String) async throws -> String {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images, volume.baseName == nil, !volume.isBase, let vmid = volume.vmid,
            volume.name.hasPrefix("vm-") || volume.name.hasPrefix("subvol-")
        else { throw StorageError.unsupported(storage: id, operation: "converting '\(volname)' to a base volume") }
        let newName = volume.name.hasPrefix("vm-") ? "base-" + volume.name.dropFirst(3) : "basevol-" + volume.name.dropFirst(7)
        let directory = layout.directory(.images) + "/\(vmid)"
        guard !FileIO.exists(directory + "/" + newName) else { throw StorageError.volumeExists("\(id):\(vmid)/\(newName)") }
        try FileIO.rename(directory + "/" + volume.name, to: directory + "/" + newName)
        if volume.format != "subvol" { chmod(directory + "/" + newName, 0o444) }
        return "\(vmid)/\(newName)"
    }

    /// A qcow2 overlay whose backing file is the base image (`../<basevmid>/<base file>`).
    public func linkedClone(_ baseVolname: String, vmid: VMID) async throws -> String {
        let base = try VolumeName.parseFileVolume(baseVolname)
        guard base.content == .images, base.isBase, base.baseName == nil, base.format != "subvol", let baseVMID = base.vmid
        else { throw StorageError.unsupported(storage: id, operation: "a linked clone of '\(baseVolname)'") }
        guard FileIO.exists(try path(baseVolname)) else { throw StorageError.noSuchVolume("\(id):\(baseVolname)") }
        let (directory, fileName) = try prepareImageName(vmid: vmid, name: nil, format: .qcow2)
        try await qemuImage.create(
            directory + "/" + fileName, format: .qcow2, sizeKiB: 0, preallocation: nil, backing: "../\(baseVMID)/\(base.name)",
            backingFormat: base.format)
        return "\(baseVMID)/\(base.name)/\(vmid)/\(fileName)"
    }

    /// qcow2 images are read at a snapshot through their internal snapshot.
    public func imageSource(_ volname: String, snapshot: String?) async throws -> ImageSource {
        let volume = try VolumeName.parseFileVolume(volname)
        guard let snapshot else { return ImageSource(path: try path(volname), format: volume.format) }
        let path = try qcow2Path(volname)
        guard try await qemuImage.info(path).snapshots.contains(snapshot) else {
            throw StorageError.io("snapshot '\(snapshot)' of '\(id):\(volname)' does not exist")
        }
        return ImageSource(path: path, format: volume.format, internalSnapshot: snapshot)
    }

    /// qcow2 images have internal snapshots; linked clones are qcow2 overlays of any image
    /// base; containers' directories are copied file by file.
    static let features = VolumeFeatureTable([
        .snapshot: [.current: ["qcow2"], .snap: ["qcow2"]],
        .clone: [.base: ["qcow2", "raw", "vmdk"]],
        .template: [.current: ["qcow2", "raw", "vmdk", "subvol"]],
        .copy: [.current: ["qcow2", "raw", "vmdk", "subvol"], .base: ["qcow2", "raw", "vmdk", "subvol"], .snap: ["qcow2"]],
    ])

    public func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool {
        guard let volume = try? VolumeName.parseFileVolume(volname), volume.content == .images || volume.content == .rootdir else {
            return false
        }
        return Self.features.allows(feature, format: volume.format, isBase: volume.isBase, snapshot: snapshot)
    }
}
