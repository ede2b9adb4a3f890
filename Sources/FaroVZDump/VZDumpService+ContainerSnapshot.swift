import FaroLXC
import FaroModel
import FaroStorage
import FaroSupport

/// A running container's `snapshot` mode: a storage snapshot named `vzdump` of each included
/// volume, archived while the container runs on (facts §2.4).
extension VZDumpService {
    /// One included volume: where it is mounted in the container, and on which plugin.
    struct SnapshotVolume: Sendable {
        var path: String
        var plugin: any StoragePlugin
        var volname: String
    }

    static let snapshotName = "vzdump"

    /// The included volumes (rootfs first) when every one of them is a subvolume its storage
    /// can snapshot; nil otherwise, and the run falls back to `suspend`.
    func snapshotVolumes(_ config: ContainerConfig) async throws -> [SnapshotVolume]? {
        var entries: [(path: String, volume: String)] = []
        if let rootfs = config.rootfs?["volume"] { entries.append(("/", rootfs)) }
        for (_, values) in config.mountPoints where values["backup"] == "1" {
            guard let volume = values["volume"], !volume.hasPrefix("/"), let path = values["mp"] else { continue }
            entries.append((path, volume))
        }
        var volumes: [SnapshotVolume] = []
        for entry in entries {
            guard let id = try? VolumeID(parsing: entry.volume) else { return nil }
            let plugin = try await storage.plugin(id.storage)
            let file = id.name.split(separator: "/").last ?? ""
            guard file.hasPrefix("subvol-") || file.hasPrefix("basevol-"),
                plugin.hasFeature(.snapshot, volname: id.name, snapshot: nil)
            else { return nil }
            volumes.append(SnapshotVolume(path: entry.path, plugin: plugin, volname: id.name))
        }
        return volumes.isEmpty ? nil : volumes
    }

    /// Takes the snapshots (the container frozen around them when there are several, so they
    /// agree), mounts them read-only below the work directory as the container sees its
    /// volumes, archives that tree, and removes mounts and snapshots whatever happened.
    func backupSnapshotContainer(
        _ vmid: VMID, volumes: [SnapshotVolume], work: String, log: GuestLog, write: (String) async throws -> Int64
    ) async throws -> Int64 {
        for volume in volumes where (try? volume.plugin.snapshotPath(volume.volname, snapshot: Self.snapshotName)) != nil {
            log.info("delete stale snapshot '\(Self.snapshotName)' of '\(volume.plugin.definition.id):\(volume.volname)'")
            try await volume.plugin.deleteSnapshot(volume.volname, name: Self.snapshotName)
        }
        let freeze = volumes.count > 1
        if freeze { try await containers.suspend(vmid) }
        var taken: [SnapshotVolume] = []
        log.info("create storage snapshot '\(Self.snapshotName)'")
        return try await ensuring {
            try await ensuring {
                for volume in volumes {
                    try await volume.plugin.snapshot(volume.volname, name: Self.snapshotName)
                    taken.append(volume)
                }
            } finally: {
                if freeze { try? await containers.resume(vmid) }
            }
            let root = work + "/vzsnap0"
            try FileIO.makeDirectory(root)
            var mounted: [String] = []
            return try await ensuring {
                for volume in volumes {
                    let target = volume.path == "/" ? root : root + volume.path
                    guard FileIO.isDirectory(target) else {
                        throw VZDumpError.failed("mount point '\(volume.path)' is missing in the snapshot of the root file system")
                    }
                    try FileIO.bindMount(
                        try volume.plugin.snapshotPath(volume.volname, snapshot: Self.snapshotName), at: target, readOnly: true)
                    mounted.append(target)
                }
                return try await write(root)
            } finally: {
                for target in mounted.reversed() { _ = try? await runner.run(["umount", target]) }
            }
        } finally: {
            log.info("cleanup temporary '\(Self.snapshotName)' snapshot")
            for volume in taken.reversed() {
                do { try await volume.plugin.deleteSnapshot(volume.volname, name: Self.snapshotName) } catch {
                    log.warn("unable to remove snapshot '\(Self.snapshotName)' of '\(volume.volname)' - \(error)")
                }
            }
        }
    }
}
