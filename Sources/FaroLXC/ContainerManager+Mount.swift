import FaroModel
import FaroStorage
import FaroSupport
import Foundation

extension ContainerManager {
    /// Mounts the rootfs volume at `<lxcpath>/<vmid>/rootfs`: a bind mount for a directory
    /// volume, a loop mount for an image. Already mounted is fine.
    func mountRootfs(_ vmid: VMID, plugin: any StoragePlugin, volname: String) async throws {
        let target = rootfsMountPoint(vmid)
        try FileIO.makeDirectory(target)
        if try await isMounted(target) { return }
        let source = try plugin.path(volname)
        if FileIO.isDirectory(source) {
            try FileIO.bindMount(source, at: target)
        } else {
            try await runner.checked(["mount", "-o", "loop", source, target])
        }
    }

    func unmountRootfs(_ vmid: VMID) async throws {
        let target = rootfsMountPoint(vmid)
        if try await isMounted(target) { try await runner.checked(["umount", target]) }
    }

    func isMounted(_ path: String) async throws -> Bool {
        FileIO.isMountPoint(path)
    }

    /// Mounts the rootfs named in the config.
    func mountRootfs(_ vmid: VMID, config: ContainerConfig) async throws {
        guard let volume = config.rootfs?["volume"] else { throw LXCError.invalidOption("rootfs", "CT \(vmid) has no rootfs") }
        let (plugin, volname) = try await self.volume(volume)
        try await mountRootfs(vmid, plugin: plugin, volname: volname)
    }

    /// What lxc mounts for the `mpN` entries: directories and bind mounts as they are, raw
    /// images loop-mounted first at `<lxcpath>/<vmid>/mpN` (outside the rootfs).
    func mountPointMounts(_ vmid: VMID, config: ContainerConfig) async throws -> [LXCConfig.Mount] {
        var mounts: [LXCConfig.Mount] = []
        for (index, mp) in config.mountPoints {
            guard let volume = mp["volume"], let path = mp["mp"] else { continue }
            var source = volume
            if Self.isStorageVolume(volume) {
                let (plugin, volname) = try await self.volume(volume)
                source = try plugin.path(volname)
                if !FileIO.isDirectory(source) {
                    let target = containerDirectory(vmid) + "/mp\(index)"
                    try FileIO.makeDirectory(target)
                    if try await !isMounted(target) { try await runner.checked(["mount", "-o", "loop", source, target]) }
                    source = target
                }
            }
            let relative = try ContainerConfig.mountPath(path, key: "mp\(index)").dropFirst()
            mounts.append(LXCConfig.Mount(source: source, target: String(relative), readOnly: mp["ro"] == "1"))
        }
        return mounts
    }

    /// Unmounts what `pct mount` put below the rootfs, the loop-mounted mount point images and the rootfs.
    func unmountAll(_ vmid: VMID) async throws {
        try await unmountBelowRootfs(vmid)
        for name in FileIO.listDirectory(containerDirectory(vmid)) where name.hasPrefix("mp") {
            let target = containerDirectory(vmid) + "/" + name
            if try await isMounted(target) { try await runner.checked(["umount", target]) }
            rmdir(target)
        }
        try await unmountRootfs(vmid)
    }

    /// Removes `<lxcpath>/<vmid>` without recursing, so a still-mounted rootfs is never touched.
    func removeContainerDirectory(_ vmid: VMID) {
        FileIO.remove(containerDirectory(vmid) + "/config")
        rmdir(rootfsMountPoint(vmid))
        rmdir(containerDirectory(vmid))
    }
}
