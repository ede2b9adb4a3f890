import FaroModel
import FaroSupport

extension DirPlugin {
    public func imagePath(_ volume: ParsedVolume) -> String { layout.path(volume) }

    public func imageVolumeNames(owner: VMID) -> [String] {
        FileIO.listDirectory(layout.directory(.images) + "/\(owner)").map { "\(owner)/\($0)" }
    }

    public func describeImage(_ volume: ParsedVolume, volname: String, path: String) async throws -> VolumeInfo? {
        guard let status = FileStatus.of(path), let vmid = volume.vmid else { return nil }
        var name = volname
        var parent: String?
        var size = status.size
        var used = status.allocated
        switch volume.format {
        case "subvol":
            guard status.kind == .directory else { return nil }
            size = 0
            used = 0
        case "raw":
            guard status.kind == .file else { return nil }
        default:
            guard status.kind == .file else { return nil }
            let info = try await qemuImage.info(path)
            size = info.virtualSize
            used = info.actualSize ?? status.allocated
            if let backing = info.backingFile, let base = Self.linkedBase(backing) {
                name = "\(base.vmid)/\(base.file)/\(vmid)/\(volume.name)"
                parent = "\(id):\(base.vmid)/\(base.file)"
            }
        }
        return VolumeInfo(
            volid: VolumeID(storage: id, name: name), content: volume.format == "subvol" ? .rootdir : .images,
            format: volume.format, size: size, used: used, vmid: vmid, ctime: status.modified, parent: parent)
    }

    /// `../<vmid>/<base file>`, the backing path a linked clone records.
    static func linkedBase(_ backing: String) -> (vmid: VMID, file: String)? {
        let parts = backing.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[0] == "..", let vmid = VMID(parts[1]) else { return nil }
        return (vmid, parts[2])
    }
}
