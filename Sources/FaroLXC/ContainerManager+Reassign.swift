import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroStorage

/// What `move_volume` with `target-vmid` asks for: give the volume of `key` in `source` to
/// `target` as `targetKey`.
public struct VolumeReassignment: Sendable {
    public var source: VMID
    public var key: String
    public var target: VMID
    public var targetKey: String
    public var digest: String?
    public var targetDigest: String?

    public init(source: VMID, key: String, target: VMID, targetKey: String? = nil, digest: String? = nil, targetDigest: String? = nil) {
        self.source = source
        self.key = key
        self.target = target
        self.targetKey = targetKey ?? key
        self.digest = digest
        self.targetDigest = targetDigest
    }
}

/// Moving a mount point or unused volume to another container of this node, as Proxmox does:
/// the storage renames the volume to the target's naming, the source config drops the key and
/// the target config gains it, with both configs locked. Nothing is copied.
extension ContainerManager {
    /// Throws what Proxmox refuses, in its words; returns the volume and, for a mount point
    /// target, its properties. The handler runs it before it starts the task, the task again
    /// under both locks.
    @discardableResult
    public func checkReassignment(_ move: VolumeReassignment) async throws -> (volume: String, mountPoint: [String: String]?) {
        if move.key == "rootfs" || move.targetKey == "rootfs" { throw LXCError.failed("Cannot move to/from 'rootfs'") }
        if move.key.hasPrefix("unused") && move.targetKey.hasPrefix("mp") {
            throw LXCError.failed("Moving an unused volume to a used one is not possible")
        }
        let (source, sourceFile) = try await read(move.source)
        guard let loaded = try? await read(move.target) else { throw LXCError.failed("could not find CT \(move.target)") }
        let (target, targetFile) = loaded
        if let lock = source.lock { throw LXCError.locked(move.source, lock) }
        if let lock = target.lock { throw LXCError.locked(move.target, lock) }
        if source.isTemplate || target.isTemplate { throw LXCError.failed("Can't move volumes from or to template CT") }
        for (vmid, digest, file) in [(move.source, move.digest, sourceFile), (move.target, move.targetDigest, targetFile)] {
            if let digest, digest != file.digest {
                throw LXCError.failed("Container \(vmid): detected modified configuration - file changed by other user? Try again.")
            }
        }
        guard let text = source[move.key] else {
            throw LXCError.failed("volume '\(move.key)' for container '\(move.source)' does not exist")
        }
        if target[move.targetKey] != nil || target.pendingValues[move.targetKey] != nil {
            throw LXCError.failed("Target volume key '\(move.targetKey)' is already in use for container '\(move.target)'")
        }
        let values = try move.key.hasPrefix("unused") ? ["volume": text] : ContainerSchema.parse(move.key, text)
        guard let volume = values["volume"] else { throw LXCError.failed("Volume '\(move.key)' has no associated image") }
        let inSnapshots = source.snapshotNames.compactMap { source.file[section: $0] }.contains { section in
            section.options.contains { ContainerConfig.volume(of: $0.key, $0.value) == volume }
        }
        if inSnapshots { throw LXCError.failed("Cannot move volume used by a snapshot to another container") }
        if !Self.isStorageVolume(volume) { throw LXCError.failed("Cannot move a bindmount or device mount to another container") }
        let (plugin, _) = try await self.volume(volume)
        guard plugin.capabilities.contains(.renameVolumes) else {
            throw LXCError.failed("Storage does not support moving of this disk to another container")
        }
        if move.key.hasPrefix("mp"), try await state(move.source).running {
            throw LXCError.failed("Cannot move in-use volume while the source CT is running - detach or shutdown first")
        }
        guard !move.targetKey.hasPrefix("unused") else { return (volume, nil) }
        var upcoming = target
        upcoming[move.targetKey] = ContainerSchema.print(move.targetKey, values)
        try upcoming.check(isRoot: true)
        return (volume, values)
    }

    /// Renames the volume for the target, removes it from the source config and adds it to the
    /// target's (pending while the target runs). A failure puts the volume and configs back.
    public func reassignVolume(_ move: VolumeReassignment, log: @Sendable (String) -> Void) async throws {
        // Locks in VMID order, so two moves in opposite directions cannot wait for each other.
        let (first, second) = move.source.rawValue < move.target.rawValue ? (move.source, move.target) : (move.target, move.source)
        try await configs.withLock(first) {
            try await configs.withLock(second) { try await reassignLocked(move, log: log) }
        }
    }

    func reassignLocked(_ move: VolumeReassignment, log: @Sendable (String) -> Void) async throws {
        let (volume, mountPoint) = try await checkReassignment(move)
        log("moving volume '\(move.key)' from container '\(move.source)' to '\(move.target)'")
        let (plugin, volname) = try await self.volume(volume)
        let renamed = "\(plugin.id):\(try await plugin.renameVolume(volname, to: move.target))"
        let newEntry = mountPoint.map { ContainerSchema.print(move.targetKey, $0.merging(["volume": renamed]) { _, new in new }) } ?? renamed
        let (source, sourceFile) = try await read(move.source)
        do {
            var changed = source
            changed[move.key] = nil
            log("removing volume '\(move.key)' from container '\(move.source)' config")
            try await write(move.source, changed, replacing: sourceFile)
            do {
                let (loaded, targetFile) = try await read(move.target)
                var target = loaded
                if try await state(move.target).running && move.targetKey.hasPrefix("mp") {
                    target.queue(move.targetKey, newEntry)
                } else {
                    target[move.targetKey] = newEntry
                }
                try await write(move.target, target, replacing: targetFile)
            } catch {
                if let current = try? await read(move.source) { try? await write(move.source, source, replacing: current.file) }
                throw error
            }
        } catch {
            let (renamedPlugin, renamedName) = try await self.volume(renamed)
            _ = try? await renamedPlugin.renameVolume(renamedName, to: move.source)
            throw error
        }
        log("target container '\(move.target)' updated with '\(move.targetKey)' ('\(renamed)')")
    }
}
