import FaroAPISpec
import FaroModel
import FaroSchema
import Foundation

/// The text `qm` and `pct` print for lists, configs, pending changes and status, in the
/// shapes of Proxmox's `PVE/CLI/qm.pm`, `pct.pm` and `PVE::GuestHelpers`.
enum GuestText {
    /// `qm status --verbose` / `pct status --verbose`: a CLI option, not an API parameter.
    static let verboseOption: [String: Schema] = ["verbose": Schema.boolean("Verbose output format").optional()]
    static let dropVerbose: @Sendable (inout [String: JSONValue]) -> HTTPVerb? = { parameters in
        parameters["verbose"] = nil
        return nil
    }

    /// `qm list`: fixed columns sorted by VMID; nothing at all when there are no VMs.
    static func qmList(_ data: JSONValue) -> String {
        let vms = sortedByVMID(data)
        guard !vms.isEmpty else { return "" }
        func row(_ cells: [String], disk: String) -> String {
            Printf.right(cells[0], 10) + " " + Printf.left(cells[1], 20) + " " + Printf.left(cells[2], 10) + " "
                + Printf.left(cells[3], 10) + " " + Printf.right(disk, 12) + " " + Printf.left(cells[4], 10) + "\n"
        }
        var out = row(["VMID", "NAME", "STATUS", "MEM(MB)", "PID"], disk: "BOOTDISK(GB)")
        for vm in vms {
            let status = Printf.isTrue(vm["qmpstatus"]) ? Printf.text(vm["qmpstatus"]) : Printf.text(vm["status"])
            let memory = Printf.perlNumber(Printf.number(vm["maxmem"]) / 1_048_576)
            let disk = String(format: "%.2f", Printf.number(vm["maxdisk"]) / 1_073_741_824)
            let pid = Printf.isTrue(vm["pid"]) ? Printf.text(vm["pid"]) : "0"
            out += row([Printf.text(vm["vmid"]), Printf.text(vm["name"]), status, memory, pid], disk: disk)
        }
        return out
    }

    /// `pct list`: the header always, then one row per container sorted by VMID.
    static func pctList(_ data: JSONValue) -> String {
        func row(_ cells: [String]) -> String {
            Printf.left(cells[0], 10) + " " + Printf.left(cells[1], 10) + " " + Printf.left(cells[2], 12) + " "
                + Printf.left(cells[3], 20) + "\n"
        }
        var out = row(["VMID", "Status", "Lock", "Name"])
        for ct in sortedByVMID(data) {
            out += row([Printf.text(ct["vmid"]), Printf.text(ct["status"]), Printf.text(ct["lock"]), Printf.text(ct["name"])])
        }
        return out
    }

    static func sortedByVMID(_ data: JSONValue) -> [JSONValue] {
        (data.arrayValue ?? []).sorted { Printf.number($0["vmid"]) < Printf.number($1["vmid"]) }
    }

    /// `qm config` / `pct config`: sorted `key: value` lines without the digest, the
    /// description percent-encoded onto one line; a container's raw `lxc.*` keys come last.
    static func config(_ data: JSONValue) -> String {
        let members = data.objectValue ?? [:]
        var out = ""
        for key in members.keys.sorted() where key != "digest" && key != "lxc" {
            let value = members[key]!.displayText
            out += "\(key): \(key == "description" ? encodeText(value) : value)\n"
        }
        for pair in members["lxc"]?.arrayValue ?? [] {
            guard let items = pair.arrayValue, items.count == 2 else { continue }
            out += "\(items[0].displayText): \(items[1].displayText)\n"
        }
        return out
    }

    /// `qm pending` / `pct pending`: `cur`, `new` and `del` lines sorted by key.
    static func pending(_ data: JSONValue) -> String {
        let items = (data.arrayValue ?? []).sorted { Printf.text($0["key"]) < Printf.text($1["key"]) }
        var out = ""
        for item in items {
            let key = Printf.text(item["key"])
            guard key != "digest" else { continue }
            var value = item["value"].flatMap { $0.isNull ? nil : $0.displayText }
            var pending = item["pending"].flatMap { $0.isNull ? nil : $0.displayText }
            if key == "description" {
                value = value.map(encodeText)
                pending = pending.map(encodeText)
            }
            if let value {
                if Printf.isTrue(item["delete"]) {
                    out += "del \(key): \(value)\n"
                } else {
                    out += "cur \(key): \(value)\n"
                    if let pending { out += "new \(key): \(pending)\n" }
                }
            } else if let pending {
                out += "new \(key): \(pending)\n"
            }
        }
        return out
    }

    /// `qm status` / `pct status`: one `status:` line; with `--verbose` every field, nested
    /// ones indented by tabs. `qm` leaves out `cpu`, which its local status does not measure.
    static func status(_ data: JSONValue, verbose: Bool, skipping skipped: Set<String> = []) -> String {
        guard verbose else {
            let status = Printf.isTrue(data["status"]) ? Printf.text(data["status"]) : "unknown"
            return "status: \(status)\n"
        }
        var out = ""
        let members = data.objectValue ?? [:]
        for key in members.keys.sorted() where !skipped.contains(key) {
            printRecursive(members[key]!, key: key, prefix: "", into: &out)
        }
        return out
    }

    private static func printRecursive(_ value: JSONValue, key: String?, prefix: String, into out: inout String) {
        switch value {
        case .null: break
        case .object(let members):
            if let key { out += "\(prefix)\(key):\n" }
            for name in members.keys.sorted() { printRecursive(members[name]!, key: name, prefix: "\t" + prefix, into: &out) }
        case .array(let items):
            guard let key else { return }
            out += "\(prefix)\(key):\n"
            for item in items { printRecursive(item, key: nil, prefix: "\t" + prefix, into: &out) }
        default:
            out += key.map { "\(prefix)\($0): \(value.displayText)\n" } ?? "\(prefix)\(value.displayText)\n"
        }
    }

    /// Proxmox's `encode_text`: control characters, `:` and bytes from 0x7f up become `%XX`.
    static func encodeText(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (0x20...0x39).contains(byte) || (0x3b...0x7e).contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += (hex.count == 1 ? "%0" : "%") + hex
            }
        }
        return out
    }
}
