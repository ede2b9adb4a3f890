import FaroQemu

/// Which of a VM's drives go into its backup, and the config stored in the archive.
public struct VMDiskSelection {
    /// Every disk with whether it is backed up and why, in `included_volumes`' words.
    public static func volumes(_ config: VMConfig) throws -> [(key: String, volume: String, included: Bool, reason: String)] {
        try config.volumeDrives().sorted { $0.key < $1.key }.compactMap { drive in
            guard !drive.isCDROM, !drive.isNone, let volume = drive.volumeID else { return nil }
            if drive.values["backup"] == "0" { return (drive.key, volume, false, "backup=no") }
            if drive.isEFIDisk && !config.usesOVMF { return (drive.key, volume, false, "efidisk but no OVMF BIOS") }
            return (drive.key, volume, true, "backup=yes")
        }
    }

    struct Disk {
        var key: String
        var volume: String
        var storage: String
        var size: String
        var deviceName: String { "drive-\(key)" }
    }

    var included: [Disk] = []
    /// Log lines, in Proxmox's words.
    var notes: [String] = []

    /// Every drive but CD-ROMs, `backup=0` ones and `efidisk0` without OVMF, in ASCII order
    /// of the key (facts §1.8).
    init(_ config: VMConfig) throws {
        let drives = try config.volumeDrives().sorted { $0.key < $1.key }
        for drive in drives where !drive.isCDROM && !drive.isNone {
            guard let volume = drive.volumeID else { continue }
            let size = drive.values["size"] ?? "?"
            if drive.values["backup"] == "0" {
                notes.append("exclude disk '\(drive.key)' '\(volume)' (backup=no)")
                continue
            }
            if drive.isEFIDisk && !config.usesOVMF {
                notes.append("exclude disk '\(drive.key)' '\(volume)' (efidisk but no OVMF BIOS)")
                continue
            }
            notes.append("include disk '\(drive.key)' '\(volume)' \(size)")
            let storage = volume.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            included.append(Disk(key: drive.key, volume: volume, storage: storage, size: size))
        }
    }

    /// The config as it goes into the archive: the main section only, without `lock`,
    /// `parent` and `unusedN`, plus one `#qmdump#map` line per disk (format per disk).
    static func archiveConfig(_ config: VMConfig, disks: [(Disk, String)]) throws -> String {
        var file = config.file
        file.sections = []
        for key in file.main.options.keys where key == "lock" || key == "parent" || key.hasPrefix("unused") {
            file.main.options[key] = nil
        }
        var text = try file.render()
        if !text.hasSuffix("\n") { text += "\n" }
        for (disk, format) in disks { text += "#qmdump#map:\(disk.key):\(disk.deviceName):\(disk.storage):\(format):\n" }
        return text
    }
}
