import FaroModel
import Foundation

/// `qm listsnapshot` / `pct listsnapshot`: the snapshots as a tree, each child under its
/// parent and siblings by time, `current` ("You are here!") last, as Proxmox's
/// `print_snapshot_tree` draws it.
enum SnapshotTree {
    static func render(_ data: JSONValue, timeZone: TimeZone = .current) -> String {
        let list = data.arrayValue ?? []
        var byName: [String: JSONValue] = [:]
        for entry in list { byName[Printf.text(entry["name"])] = entry }
        var children: [String: [Int]] = [:]
        var roots: [Int] = []
        for (index, entry) in list.enumerated() {
            if let parent = entry["parent"]?.stringValue, !parent.isEmpty, byName[parent] != nil {
                children[parent, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        /// By snapshot time, `current` (no time) last; equal times keep the list's order.
        func byTime(_ indexes: [Int]) -> [Int] {
            indexes.sorted { left, right in
                let (a, b) = (list[left]["snaptime"]?.intValue ?? .max, list[right]["snaptime"]?.intValue ?? .max)
                return a != b ? a < b : left < right
            }
        }
        var out = ""
        func draw(_ index: Int, prefix: String) {
            let entry = list[index]
            let name = Printf.text(entry["name"])
            let text = Printf.text(entry["description"])
            let description = text.isEmpty ? "no-description" : String(text.split(separator: "\n", omittingEmptySubsequences: false)[0])
            let time = entry["snaptime"]?.intValue.map { timestamp($0, timeZone: timeZone) } ?? ""
            out += prefix + " " + Printf.left(name, max(0, 30 - prefix.count)) + " " + Printf.left(time, 23) + " " + description + "\n"
            for child in byTime(children[name] ?? []) { draw(child, prefix: "    " + prefix) }
        }
        for root in byTime(roots) { draw(root, prefix: "`->") }
        return out
    }

    /// `strftime("%F %H:%M:%S")` in the given zone.
    static func timestamp(_ seconds: Int, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
    }
}
