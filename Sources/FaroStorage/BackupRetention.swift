import FaroModel

/// A storage's backups with the marks a retention policy gives them: what `prunebackups`
/// shows and deletes, and what vzdump prunes after a backup.
public enum BackupRetention {
    public struct Entry: Sendable {
        public var volume: VolumeInfo
        /// `qemu`, `lxc`, or `unknown` for a file without a standard name.
        public var type: String
        public var mark: PruneMark
    }

    /// Marks the backups on `plugin` (of one guest and type when given), newest first.
    public static func marks(
        _ plugin: any StoragePlugin, options: PruneOptions, vmid: Int? = nil, type: String? = nil
    ) async throws -> [Entry] {
        var volumes: [(VolumeInfo, BackupArchive?)] = []
        for volume in try await plugin.listVolumes(content: .backup, vmid: nil) {
            let archive = BackupArchive(fileName: String(volume.volid.name.dropFirst("backup/".count)))
            if let vmid, volume.vmid?.rawValue != vmid { continue }
            if let type, archive?.guestType?.rawValue != type { continue }
            volumes.append((volume, archive))
        }
        let candidates = volumes.map { volume, archive in
            PruneCandidate(
                volid: volume.volid.description, ctime: volume.ctime ?? 0,
                group: archive?.isStandardName == true ? "\(archive!.guestType!.rawValue)/\(archive!.vmid!)" : nil,
                isProtected: volume.isProtected)
        }
        let marks = Pruner.mark(candidates, options: options)
        let entries = volumes.map { volume, archive in
            Entry(volume: volume, type: archive?.guestType?.rawValue ?? "unknown", mark: marks[volume.volid.description] ?? .keep)
        }
        return entries.sorted { ($0.volume.ctime ?? 0) > ($1.volume.ctime ?? 0) }
    }
}
