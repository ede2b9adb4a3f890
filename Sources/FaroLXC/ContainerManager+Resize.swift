import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroStorage
import FaroSupport

/// `PUT .../resize` (grow only) and the freezer (`status/suspend|resume`).
extension ContainerManager {
    /// Grows `disk` (`rootfs` or `mpN`) to `size` (`8G`) or by it (`+1G`). A raw image's ext4
    /// grows with it: offline through `e2fsck` and `resize2fs`, online through its loop device.
    public func resize(_ vmid: VMID, disk: String, size: String, digest: String?, log: @Sendable (String) -> Void) async throws {
        let (config, file) = try await read(vmid)
        try GuestConfigStore<ContainerConfig>.checkDigest(digest, of: file, vmid: vmid)
        guard let text = config[disk], var values = try? ContainerSchema.parse(disk, text), let volume = values["volume"],
            Self.isStorageVolume(volume)
        else { throw LXCError.invalidOption("disk", "no storage volume '\(disk)' in CT \(vmid)") }
        let current = values["size"].flatMap(Self.bytes) ?? 0
        let relative = size.hasPrefix("+")
        guard let amount = Self.bytes(relative ? String(size.dropFirst()) : size) else {
            throw LXCError.invalidOption("size", "invalid size '\(size)'")
        }
        let wanted = relative ? current + amount : amount
        guard wanted >= current else { throw LXCError.invalidOption("size", "shrinking disks is not supported") }
        guard wanted > current else { return log("'\(disk)' already has that size") }
        try await withConfigLock(vmid, "disk") {
            let (plugin, volname) = try await self.volume(volume)
            log("resizing '\(volume)' to \(Self.sizeText(wanted))")
            try await plugin.resize(volname, bytes: wanted)
            let path = try plugin.path(volname)
            if !FileIO.isDirectory(path) { try await growFileSystem(path, vmid: vmid, log: log) }
            values["size"] = Self.sizeText(wanted)
            let updated = ContainerSchema.print(disk, values)
            try await update(vmid) { config in config[disk] = updated }
        }
    }

    /// Grows the ext4 in an image: through the loop device it is mounted on, else offline (a
    /// loop device still attached but no longer mounted, as one may linger after an unmount,
    /// does not count). Where the kernel refuses to grow a mounted file system, it grows at the
    /// next start.
    func growFileSystem(_ image: String, vmid: VMID, log: @Sendable (String) -> Void) async throws {
        let mounted = FileIO.mountSources(mountInfo: (try? FileIO.readText("/proc/self/mountinfo")) ?? "")
        let loops = try await runner.checked(["losetup", "-j", image, "-O", "NAME", "-n"])
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { mounted.contains($0) }
        guard let device = loops.first else { return try await growOffline(image) }
        try await runner.checked(["losetup", "-c", device])
        let online = try await runner.run(["resize2fs", device])
        guard !online.succeeded else { return }
        log("the file system could not grow while mounted (\(online.errorOutput.split(separator: "\n").last ?? "")); it grows at the next start")
        let marker = growMarker(vmid)
        let listed = ((try? FileIO.readTextIfExists(marker)) ?? nil) ?? ""
        try FileIO.writeAtomically(marker, Array((listed + image + "\n").utf8))
    }

    func growOffline(_ image: String) async throws {
        let check = try await runner.run(["e2fsck", "-f", "-p", image])
        // e2fsck exits 1 when it fixed something, which still leaves a clean file system.
        guard check.termination == .exited(0) || check.termination == .exited(1) else {
            throw LXCError.failed("e2fsck of '\(image)' failed: \(check.errorOutput)")
        }
        try await runner.checked(["resize2fs", image])
    }

    /// Images whose file system still has to grow, one path a line.
    func growMarker(_ vmid: VMID) -> String { containerDirectory(vmid) + "/grow-filesystems" }

    /// Grows what an online resize left behind; call before the images are mounted.
    func growPendingFileSystems(_ vmid: VMID) async throws {
        guard let listed = try FileIO.readTextIfExists(growMarker(vmid)) else { return }
        for image in Set(listed.split(separator: "\n").map(String.init)) where FileIO.exists(image) { try await growOffline(image) }
        FileIO.remove(growMarker(vmid))
    }

    public func suspend(_ vmid: VMID) async throws {
        guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
        try setFrozen(vmid, true)
    }

    public func resume(_ vmid: VMID) async throws {
        guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
        try setFrozen(vmid, false)
    }

    /// Freezes or thaws every process of the container through its freezer cgroup (lxc's own
    /// `lxc-unfreeze` cannot thaw the v1 layout lxc.cgroup.dir.container gives).
    func setFrozen(_ vmid: VMID, _ frozen: Bool) throws {
        if host.cgroupVersion == 2 {
            try FileIO.writeExisting(cgroupDirectory(vmid, controller: "freezer") + "/cgroup.freeze", frozen ? "1" : "0")
        } else {
            try FileIO.writeExisting(cgroupDirectory(vmid, controller: "freezer") + "/freezer.state", frozen ? "FROZEN" : "THAWED")
        }
    }
}
