import FaroModel
import FaroSupport

extension FileStorage {
    public func volumeEntry(_ volume: ParsedVolume) -> String { imagePath(volume) }

    /// Moves the volume into `images/<vmid>/` under that guest's next free disk name; a linked
    /// clone keeps its base. Refused for base volumes and for volumes with snapshots, which
    /// are named after the volume and would be left behind.
    public func renameVolume(_ volname: String, to vmid: VMID) async throws -> String {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images || volume.content == .rootdir, !volume.isBase, volume.vmid != nil,
            let format = VolumeFormat(rawValue: volume.format)
        else { throw unsupported("renaming '\(volname)'") }
        let source = volumeEntry(volume)
        try layout.ensureInside(source)
        guard FileStatus.of(source) != nil else { throw StorageError.noSuchVolume("\(id):\(volname)") }
        let directory = String(source[..<source.lastIndex(of: "/")!]), name = String(source[source.index(after: source.lastIndex(of: "/")!)...])
        guard !FileIO.listDirectory(directory).contains(where: { $0.hasPrefix(name + "@") }) else {
            throw StorageError.io("unable to rename '\(id):\(volname)' - it has snapshots")
        }
        let (_, fileName) = try prepareImageName(vmid: vmid, name: nil, format: format)
        let base = volume.baseName.map { "\(volume.baseVMID!)/\($0)/" } ?? ""
        let newName = "\(base)\(vmid)/\(fileName)"
        let target = volumeEntry(try VolumeName.parseFileVolume(newName))
        try layout.ensureInside(target)
        guard FileStatus.of(target) == nil else { throw StorageError.volumeExists("\(id):\(newName)") }
        try FileIO.rename(source, to: target)
        return newName
    }
}
