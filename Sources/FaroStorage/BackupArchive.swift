#if canImport(Glibc)
import Glibc
#endif
import FaroModel

/// What a backup file name says (Proxmox's `archive_info`): guest type, VMID and the time in
/// the standard name `vzdump-<type>-<vmid>-YYYY_MM_DD-HH_MM_SS.<ext>`, read as local time.
public struct BackupArchive: Sendable, Equatable {
    public enum GuestType: String, Sendable { case qemu, lxc, openvz }

    public var fileName: String
    /// `vma.zst`, `tar.gz`, `tgz`, ...
    public var kind: String
    public var guestType: GuestType?
    public var vmid: VMID?
    public var ctime: Int?

    /// nil when the name is not a backup archive at all.
    public init?(fileName: String) {
        guard let kind = VolumeName.backupKind(fileName) else { return nil }
        self.fileName = fileName
        self.kind = kind
        let stem = String(fileName.dropLast(kind.count + 1))
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "vzdump", let type = GuestType(rawValue: String(parts[1])),
            let vmid = VMID(String(parts[2])), let time = Self.localTime(date: parts[3], time: parts[4])
        else { return }
        // A VM backup is a vma, a container backup a tar.
        guard (type == .qemu) == kind.hasPrefix("vma") else { return }
        guestType = type
        self.vmid = vmid
        ctime = time
    }

    /// A standard name gets pruned; anything else counts as renamed and is never touched.
    public var isStandardName: Bool { ctime != nil }

    /// The log written beside the archive: the name without its archive extension, plus `.log`.
    public var logName: String { String(fileName.dropLast(kind.count + 1)) + ".log" }
    public var notesName: String { fileName + ".notes" }
    public var protectionName: String { fileName + ".protected" }

    static func localTime(date: Substring, time: Substring) -> Int? {
        let d = date.split(separator: "_"), t = time.split(separator: "_")
        guard d.count == 3, t.count == 3, d[0].count == 4, [d[1], d[2], t[0], t[1], t[2]].allSatisfy({ $0.count == 2 }),
            let year = Int(d[0]), let month = Int(d[1]), let day = Int(d[2]),
            let hour = Int(t[0]), let minute = Int(t[1]), let second = Int(t[2]),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        let value = mktime(&parts)
        return value == -1 ? nil : Int(value)
    }
}
