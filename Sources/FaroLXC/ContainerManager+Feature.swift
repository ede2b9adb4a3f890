import FaroConfig
import FaroGuestSchema
import FaroModel
import FaroStorage

extension ContainerManager {
    /// Whether every mount point of the container (of snapshot `snapshot` when given) allows
    /// `feature`, as Proxmox's `feature` method answers: a bind or device mount point, or a
    /// volume on a storage that is gone or disabled, allows none.
    public func hasFeature(_ vmid: VMID, _ feature: VolumeFeature, snapshot: String?) async throws -> Bool {
        var config = try await read(vmid).config
        if let snapshot { config = ContainerConfig(options: try await snapshotSection(vmid, snapshot).options) }
        for key in ["rootfs"] + config.mountPoints.map({ "mp\($0.index)" }) {
            guard let text = config[key], let volume = (try? ContainerSchema.parse(key, text))?["volume"] else { continue }
            guard Self.isStorageVolume(volume), let (plugin, volname) = try? await self.volume(volume),
                plugin.hasFeature(feature, volname: volname, snapshot: snapshot)
            else { return false }
        }
        return true
    }
}
