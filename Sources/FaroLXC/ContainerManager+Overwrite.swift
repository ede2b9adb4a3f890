import FaroModel

/// `pct restore --force` over an existing container: it stays as it was until the restore
/// has succeeded; only then do its old volumes go.
extension ContainerManager {
    /// Locks the existing container for a restore over it: stopped, not protected, not locked.
    /// Returns its config as it was, which a failed restore puts back.
    public func reserveOverwrite(_ vmid: VMID) async throws -> ContainerConfig {
        try await configs.update(vmid) { config in
            if config.isProtected { throw LXCError.failed("unable to restore CT \(vmid) - protection mode enabled") }
            if let lock = config.lock { throw LXCError.locked(vmid, lock) }
            if try await state(vmid).running { throw LXCError.failed("can't overwrite running container") }
            let original = config
            config["lock"] = "create"
            return original
        }
    }

    /// The old container's volumes after the restore wrote `config`: those of the mount points
    /// the restore made anew (`restored` keys) are freed; its other volumes (also those only
    /// snapshots name) stay as `unusedN` of the new config. Volumes of other guests are neither.
    static func replacedVolumes(_ old: ContainerConfig, vmid: VMID, restored keys: Set<String>) -> (freed: [String], kept: [String]) {
        func owned(_ volume: String) -> Bool {
            guard let name = volume.split(separator: "/").last else { return false }
            return ["subvol-", "vm-", "basevol-", "base-"].contains { name.hasPrefix("\($0)\(vmid)-") }
        }
        var freed: [String] = []
        for key in old.options.keys.sorted() where keys.contains(key) {
            if let volume = ContainerConfig.volume(of: key, old[key]!), owned(volume) { freed.append(volume) }
        }
        let kept = old.ownedVolumes().filter { owned($0) && !freed.contains($0) }
        return (freed, kept)
    }

    /// Adds the kept volumes as `unusedN`, writes the config, then frees the replaced volumes.
    func finishOverwrite(
        _ vmid: VMID, _ config: inout ContainerConfig, replacing old: ContainerConfig, restored keys: Set<String>,
        log: @Sendable (String) -> Void
    ) async throws {
        // A volume the new config names (given with the call) is neither freed nor unused.
        let inUse = Set(config.ownedVolumes())
        var (freed, kept) = Self.replacedVolumes(old, vmid: vmid, restored: keys)
        freed.removeAll { inUse.contains($0) }
        kept.removeAll { inUse.contains($0) }
        for volume in kept {
            guard let free = (0..<256).first(where: { config["unused\($0)"] == nil }) else { break }
            config["unused\(free)"] = volume
        }
        try await store.write(configPath(vmid), text: config.render(), ifRevision: nil)
        for volume in freed {
            log("removing old volume '\(volume)'")
            do { try await freeVolume(volume) } catch { log("WARN: unable to free old volume '\(volume)' - \(error)") }
        }
    }
}
