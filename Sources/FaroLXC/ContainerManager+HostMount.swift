import FaroGuest
import FaroModel
import FaroSupport

/// `pct mount` / `pct unmount`: the container's file systems on the host for maintenance.
/// The rootfs goes where a start mounts it (`<lxcpath>/<vmid>/rootfs`), each mount point
/// below it at its `mp=` path, and `lock: mounted` keeps every other operation but start and
/// stop away until `pct unmount`.
extension ContainerManager {
    /// Mounts everything and sets the lock; returns the rootfs mount point. A failure
    /// unmounts what it mounted and leaves the config as it was.
    public func mountOnHost(_ vmid: VMID) async throws -> String {
        try await configs.withLock(vmid) {
            let (config, file) = try await read(vmid)
            if let lock = config.lock { throw LXCError.locked(vmid, lock) }
            var locked = config
            locked["lock"] = "mounted"
            try await write(vmid, locked, replacing: file)
            do {
                try FileIO.makeDirectory(containerDirectory(vmid))
                try await mountRootfs(vmid, config: config)
                let setup = setup(config, vmid: vmid)
                // Parents before children, so a mount point never hides a deeper one.
                for mount in try await mountPointMounts(vmid, config: config).sorted(by: { $0.target < $1.target }) {
                    let target = try setup.directory(mount.target)
                    if try await isMounted(target) { continue }
                    try FileIO.bindMount(mount.source, at: target, readOnly: mount.readOnly)
                }
            } catch {
                try? await releaseHostMounts(vmid)
                if let reread = try? await read(vmid), reread.config.lock == "mounted" {
                    var unlocked = reread.config
                    unlocked["lock"] = nil
                    try? await write(vmid, unlocked, replacing: reread.file)
                }
                throw error
            }
            return rootfsMountPoint(vmid)
        }
    }

    /// Unmounts what `mountOnHost` mounted and removes the `mounted` lock. The file systems a
    /// running container uses stay; only the mount points below its rootfs go.
    public func unmountFromHost(_ vmid: VMID) async throws {
        try await configs.withLock(vmid) {
            let (config, file) = try await read(vmid)
            if let lock = config.lock, lock != "mounted" { throw LXCError.locked(vmid, lock) }
            try await releaseHostMounts(vmid)
            guard config.lock != nil else { return }
            var unlocked = config
            unlocked["lock"] = nil
            try await write(vmid, unlocked, replacing: file)
        }
    }

    /// All of a stopped container's mounts; of a running one only those below its rootfs.
    func releaseHostMounts(_ vmid: VMID) async throws {
        if try await state(vmid).running { try await unmountBelowRootfs(vmid) } else { try await unmountAll(vmid) }
    }

    /// Unmounts every mount below the rootfs mount point on the host, deepest first.
    func unmountBelowRootfs(_ vmid: VMID) async throws {
        // The kernel lists normalized paths; the lxc path may hold `//` or symbolic links.
        let prefix = (FileIO.realPath(rootfsMountPoint(vmid)) ?? rootfsMountPoint(vmid)) + "/"
        let mounted = FileIO.mountPoints(mountInfo: ((try? FileIO.readTextIfExists(procRoot + "/self/mountinfo")) ?? nil) ?? "")
        for target in mounted.filter({ $0.hasPrefix(prefix) }).sorted(by: { $0.count > $1.count }) {
            try await runner.checked(["umount", target])
        }
    }
}
