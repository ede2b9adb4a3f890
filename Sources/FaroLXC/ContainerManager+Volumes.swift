import FaroGuestSchema
import FaroModel
import FaroStorage
import FaroSupport

/// Container volumes: `STORAGE:SIZE` (GiB) in `rootfs` or `mpN` asks for a new volume. Size 0
/// gives a directory (a subvolume); a size gives a raw image with ext4, or on btrfs a subvolume
/// limited by a quota group, as Proxmox does.
extension ContainerManager {
    /// `STORAGE:SIZE` split, or nil when the text names an existing volume or a path.
    static func allocationRequest(_ volume: String) -> (storage: String, gib: Double)? {
        AllocationRequest.parse(volume)
    }

    /// A new volume for `vmid`, formatted and owned by the container's root. Returns its
    /// volume ID and the `size=` text (nil for an unlimited directory).
    func allocateVolume(storage id: String, gib: Double, vmid: VMID, unprivileged: Bool, log: @Sendable (String) -> Void)
        async throws -> (volume: String, size: String?)
    {
        let plugin = try await storage.plugin(id)
        let kib = UInt64(gib * 1024 * 1024)
        let quotaSubvolume = plugin.definition.type == "btrfs"
        let format: VolumeFormat = kib == 0 || quotaSubvolume ? .subvol : .raw
        let volname = try await plugin.allocate(vmid: vmid, name: nil, format: format, sizeKiB: kib)
        let volume = "\(plugin.id):\(volname)"
        do {
            let owner = unprivileged ? LXCConfig.idMapBase : 0
            let path = try plugin.path(volname)
            if format == .raw {
                try await runner.checked(["mkfs.ext4", "-q", "-F", "-E", "root_owner=\(owner):\(owner)", path])
            } else if owner != 0 {
                try await runner.checked(["chown", "\(owner):\(owner)", path])
            }
        } catch {
            try? await plugin.free(volname)
            throw error
        }
        log("allocated volume '\(volume)'")
        return (volume, kib == 0 ? nil : Self.sizeText(kib << 10))
    }

    /// For `rootfs`/`mpN` values that ask for a new volume: allocates it and returns the value
    /// naming the new volume. Nil for other keys and values that name an existing volume.
    func allocateMountPoint(_ key: String, _ value: String, vmid: VMID, unprivileged: Bool, log: @Sendable (String) -> Void)
        async throws -> (text: String, volume: String)?
    {
        guard key == "rootfs" || key.hasPrefix("mp"), var values = try? ContainerSchema.parse(key, value),
            let request = values["volume"].flatMap(Self.allocationRequest)
        else { return nil }
        let (volume, size) = try await allocateVolume(storage: request.storage, gib: request.gib, vmid: vmid, unprivileged: unprivileged, log: log)
        values["volume"] = volume
        values["size"] = size
        return (ContainerSchema.print(key, values), volume)
    }

    public func freeVolume(_ volume: String) async throws {
        let (plugin, volname) = try await self.volume(volume)
        try await plugin.free(volname)
    }

    /// Whether a `volume=` value names a storage volume (not a bind mount or device).
    static func isStorageVolume(_ volume: String) -> Bool { !volume.hasPrefix("/") && volume.contains(":") }

    /// `1G`, `512M`, ... the largest unit that divides the size.
    static func sizeText(_ bytes: UInt64) -> String {
        for (unit, factor) in [("T", UInt64(1) << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes % factor == 0 {
            return "\(bytes / factor)\(unit)"
        }
        return String(bytes)
    }
}
