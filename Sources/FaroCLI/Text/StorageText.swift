import FaroModel
import Foundation

/// The text `pvesm` prints, in the shapes of Proxmox's `PVE/CLI/pvesm.pm`.
enum StorageText {
    /// `pvesm status`: sizes in KiB, the name column as wide as the longest storage id.
    static func status(_ data: JSONValue) -> String {
        let storages = (data.arrayValue ?? []).sorted { Printf.text($0["storage"]) < Printf.text($1["storage"]) }
        let width = (storages.map { Printf.text($0["storage"]).count }.max() ?? 0) + 1
        var out = Printf.left("Name", width) + " " + Printf.right("Type", 10) + " " + Printf.right("Status", 10) + " "
            + Printf.right("Total", 15) + " " + Printf.right("Used", 15) + " " + Printf.right("Available", 15) + " "
            + Printf.right("%", 8) + "\n"
        for storage in storages {
            let total = Printf.number(storage["total"]), used = Printf.number(storage["used"])
            var state = Printf.isTrue(storage["active"]) ? "active" : "inactive"
            var percent = String(format: "% 7.2f%%", total > 0 ? used * 100 / total : 0)
            if !Printf.isTrue(storage["enabled"]) {
                state = "disabled"
                percent = Printf.right("N/A", 8)
            }
            let kibibytes = [total, used, Printf.number(storage["avail"])].map { Printf.right(String(Int($0 / 1024)), 15) }
            out += Printf.left(Printf.text(storage["storage"]), width) + " " + Printf.right(Printf.text(storage["type"]), 10) + " "
                + Printf.right(state, 10) + " " + kibibytes.joined(separator: " ") + " " + percent + "\n"
        }
        return out
    }

    /// `pvesm list`: guest volumes first in the listed order, then the others by format.
    static func content(_ data: JSONValue) -> String {
        let volumes = data.arrayValue ?? []
        let nameWidth = volumes.map { Printf.text($0["volid"]).count }.max() ?? 0
        let largest = volumes.map { Printf.number($0["size"]) }.max() ?? 0
        let sizeWidth = Printf.perlNumber(max(0, largest)).count
        func row(_ volid: String, _ format: String, _ type: String, _ size: String) -> String {
            Printf.left(volid, nameWidth) + " " + Printf.left(format, 7) + " " + Printf.left(type, 9) + " " + Printf.right(size, sizeWidth)
        }
        var out = row("Volid", "Format", "Type", "Size") + " VMID\n"
        func cells(_ volume: JSONValue) -> String {
            row(Printf.text(volume["volid"]), Printf.text(volume["format"]), Printf.text(volume["content"]), Printf.text(volume["size"]))
        }
        for volume in volumes where Printf.isTrue(volume["vmid"]) {
            out += cells(volume) + " " + String(Int(Printf.number(volume["vmid"]))) + "\n"
        }
        let others = volumes.enumerated().filter { !Printf.isTrue($0.element["vmid"]) }.sorted { left, right in
            let (a, b) = (Printf.text(left.element["format"]), Printf.text(right.element["format"]))
            return a != b ? a < b : left.offset < right.offset
        }
        for (_, volume) in others { out += cells(volume) + "\n" }
        return out
    }

    /// `pvesm prune-backups --dry-run`: what would be kept and removed, by guest and age.
    static func prunePreview(_ data: JSONValue) -> String {
        let list = data.arrayValue ?? []
        guard !list.isEmpty else { return "No backups found\n" }
        let sorted = list.sorted { left, right in
            switch (left["vmid"]?.intValue, right["vmid"]?.intValue) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (let a?, let b?) where a != b: return a < b
            default: return Printf.number(left["ctime"]) < Printf.number(right["ctime"])
            }
        }
        let width = (sorted.map { Printf.text($0["volid"]).count }.max() ?? 0) + 1
        func row(_ cells: [String]) -> String {
            Printf.left(cells[0], width) + " " + Printf.right(cells[1], 15) + " " + Printf.right(cells[2], 10) + "\n"
        }
        var out = "NOTE: this is only a preview and might not be what a subsequent\n"
            + "prune call does if backups are removed/added in the meantime.\n\n" + row(["Backup", "Backup-ID", "Prune-Mark"])
        for backup in sorted {
            let type = Printf.text(backup["type"])
            let id = backup["vmid"].map { "\(type)/\($0.displayText)" } ?? type
            out += row([Printf.text(backup["volid"]), id, Printf.text(backup["mark"])])
        }
        return out
    }

    /// `pvesm scan lvm` / `lvmthin`: one name a line.
    static func names(_ data: JSONValue, key: String) -> String {
        (data.arrayValue ?? []).map { Printf.text($0[key]) + "\n" }.joined()
    }
}
