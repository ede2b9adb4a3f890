import FaroModel
import FaroSupport

/// What the file-based plugins (dir, btrfs) share: the directory layout, activation, space,
/// content listing and the mapping of volume names to paths that never leave the storage.
public protocol FileStorage: StoragePlugin {
    var layout: FileLayout { get }
    var context: StorageContext { get }
    /// Describes one image volume (size, format, parent), or nil when it is not there.
    func describeImage(_ volume: ParsedVolume, volname: String, path: String) async throws -> VolumeInfo?
    /// Where an image volume's data is (a file, or a directory for `subvol`).
    func imagePath(_ volume: ParsedVolume) -> String
    /// The image volume names of one guest present on disk.
    func imageVolumeNames(owner: VMID) -> [String]
    /// The file system entry that holds an image volume and moves with it (the image itself
    /// unless the plugin wraps it).
    func volumeEntry(_ volume: ParsedVolume) -> String
}

extension FileStorage {
    /// Creates the base directory (unless `mkdir`/`create-base-path` say no) and the content
    /// subdirectories (unless `create-subdirs` says no).
    func activateDirectory() throws {
        let base = layout.base
        if !FileIO.isDirectory(base) {
            let create = definition["create-base-path"] ?? definition["mkdir"] ?? "1"
            guard StorageDefinition.flag(create) else {
                throw StorageError.io("unable to activate storage '\(id)' - directory '\(base)' does not exist")
            }
            try FileIO.makeDirectory(base)
        }
        if let mountFlag = definition["is_mountpoint"], mountFlag != "0", mountFlag != "no" {
            let mountPoint = StorageDefinition.flag(mountFlag) ? base : mountFlag
            guard FileIO.isMountPoint(mountPoint) else {
                throw StorageError.io("unable to activate storage '\(id)' - directory is expected to be a mount point but is not mounted: '\(mountPoint)'")
            }
        }
        let createSubdirs = definition["create-subdirs"] ?? definition["mkdir"] ?? "1"
        guard StorageDefinition.flag(createSubdirs) else { return }
        for content in definition.content(default: [.images, .rootdir]) {
            try FileIO.makeDirectory(layout.directory(content == .rootdir ? .images : content))
        }
    }

    public func status() async throws -> StorageStatus {
        guard FileIO.isDirectory(layout.base), let space = FileSystemSpace.of(layout.base) else { return .inactive }
        return StorageStatus(total: space.total, used: space.used, available: space.available, active: true)
    }

    public func path(_ volname: String) throws -> String {
        let path = location(try VolumeName.parseFileVolume(volname))
        try layout.ensureInside(path)
        return path
    }

    func location(_ volume: ParsedVolume) -> String {
        volume.content == .images || volume.content == .rootdir ? imagePath(volume) : layout.path(volume)
    }

    /// The directory for a new image of `vmid` and the file name to use there.
    func prepareImageName(vmid: VMID, name: String?, format: VolumeFormat) throws -> (String, String) {
        let directory = layout.directory(.images) + "/\(vmid)"
        try FileIO.makeDirectory(layout.directory(.images))
        try FileIO.makeDirectory(directory)
        try layout.ensureInside(directory)
        let existing = Set(FileIO.listDirectory(directory))
        guard let name else {
            let prefix = format == .subvol ? "subvol" : "vm"
            return (directory, try nextDiskName(vmid: vmid, prefix: prefix, suffix: "." + format.rawValue, existing: existing))
        }
        guard let parsed = try? VolumeName.parseFileVolume("\(vmid)/\(name)"), parsed.vmid == vmid, parsed.baseName == nil,
            parsed.format == format.rawValue
        else {
            throw StorageError.invalidOption("filename", "illegal name '\(name)' - should be 'vm-\(vmid)-*'")
        }
        guard !existing.contains(name) else { throw StorageError.volumeExists("\(id):\(vmid)/\(name)") }
        return (directory, name)
    }

    public func info(_ volname: String) async throws -> VolumeInfo {
        let volume = try VolumeName.parseFileVolume(volname)
        guard let info = try await describe(volume, volname: volname) else { throw StorageError.noSuchVolume("\(id):\(volname)") }
        return info
    }

    func describe(_ volume: ParsedVolume, volname: String) async throws -> VolumeInfo? {
        let path = location(volume)
        guard let status = FileStatus.of(path), status.kind != .symlink else { return nil }
        let volid = VolumeID(storage: id, name: volname)
        switch volume.content {
        case .images, .rootdir:
            return try await describeImage(volume, volname: volname, path: path)
        case .backup:
            let archive = BackupArchive(fileName: volume.name)
            let notes = (try? FileIO.readTextIfExists(path + ".notes")) ?? nil
            return VolumeInfo(
                volid: volid, content: .backup, format: volume.format, size: status.size, vmid: volume.vmid,
                ctime: archive?.ctime ?? status.modified, notes: notes, isProtected: FileIO.exists(path + ".protected"))
        default:
            guard status.kind == .file else { return nil }
            return VolumeInfo(volid: volid, content: volume.content, format: volume.format, size: status.size, ctime: status.modified)
        }
    }

    public func listVolumes(content: ContentType?, vmid: VMID?) async throws -> [VolumeInfo] {
        let wanted = definition.content(default: [.images, .rootdir])
        var result: [VolumeInfo] = []
        for type in ContentType.allCases where wanted.contains(type) && (content == nil || content == type) {
            if type == .rootdir { continue }  // container volumes live under images/ too
            for volname in try candidateNames(type, vmid: vmid) {
                guard let volume = try? VolumeName.parseFileVolume(volname), volume.content == type || type == .images,
                    vmid == nil || volume.vmid == vmid,
                    let info = try await describe(volume, volname: volname)
                else { continue }
                result.append(info)
            }
        }
        return result.sorted { $0.volid.description < $1.volid.description }
    }

    /// Volume names present on disk for one content type.
    func candidateNames(_ type: ContentType, vmid: VMID?) throws -> [String] {
        let directory = layout.directory(type)
        guard type == .images else {
            let prefix = type == .backup ? "backup" : type.rawValue
            return FileIO.listDirectory(directory).filter { !$0.hasSuffix(".notes") && !$0.hasSuffix(".protected") }
                .map { "\(prefix)/\($0)" }
        }
        return FileIO.listDirectory(directory).compactMap(VMID.init).filter { vmid == nil || vmid == $0 }
            .flatMap(imageVolumeNames(owner:))
    }

    /// The name of a new file volume (ISO image, template, snippet) after checking it.
    public func filePath(content: ContentType, fileName: String) throws -> String {
        let prefix = content == .backup ? "backup" : content.rawValue
        let volume = try VolumeName.parseFileVolume("\(prefix)/\(fileName)")
        guard volume.content == content else { throw StorageError.unparsableVolumeName("\(prefix)/\(fileName)") }
        let path = layout.path(volume)
        try FileIO.makeDirectory(layout.directory(content))
        try layout.ensureInside(path)
        return path
    }
}
