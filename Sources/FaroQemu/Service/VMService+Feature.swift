import FaroConfig
import FaroModel
import FaroStorage

extension VMService {
    /// Whether every disk of the VM (of snapshot `snapshot` when given) allows `feature`, and
    /// the nodes where the VM's storages are: Proxmox's `feature` method. CD-ROMs do not count;
    /// a disk given as a host path, or on a storage that is gone or disabled, allows nothing.
    public func hasFeature(_ vmid: VMID, _ feature: VolumeFeature, snapshot: String?) async throws -> (has: Bool, nodes: [String]) {
        var config = try await read(vmid).config
        if let snapshot {
            guard config.snapshotNames.contains(snapshot), let section = config.file[section: snapshot] else {
                throw VMError.failed("snapshot '\(snapshot)' does not exist")
            }
            config = VMConfig(snapshotSection: section)
        }
        var has = true, available = true
        for drive in try config.volumeDrives() where !drive.isCDROM && !drive.isNone {
            guard let volume = drive.volumeID, let id = try? VolumeID(parsing: volume) else {
                has = false
                continue
            }
            guard let plugin = try? await storage.plugin(id.storage) else {
                has = false
                available = false
                continue
            }
            if !plugin.hasFeature(feature, volname: id.name, snapshot: snapshot) { has = false }
        }
        return (has, available ? [nodeName] : [])
    }
}
