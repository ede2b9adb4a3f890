import FaroBackup
import FaroModel
import FaroStorage
import FaroSupport

/// After the archive: notes, protection, pruning of the guest's older backups.
extension VZDumpService {
    func finishArchive(_ archive: String, vmid: VMID, type: BackupArchive.GuestType, options: VZDumpOptions, log: GuestLog) async throws {
        if let template = options.notesTemplate, !template.isEmpty {
            log.info("adding notes to backup")
            let notes = try await NotesTemplate.expand(template, vmid: vmid, guestName: guestName(vmid, type), node: nodeName)
            try FileIO.writeAtomically(archive + ".notes", Array(notes.utf8))
        }
        if options.isProtected {
            log.info("marking backup as protected")
            try FileIO.writeAtomically(archive + ".protected", [])
        }
        guard options.remove, let id = options.storage ?? (options.dumpDirectory == nil ? "local" : nil) else { return }
        let plugin = try await storage.plugin(id)
        let text = options.pruneBackups ?? plugin.definition["prune-backups"] ?? options.nodePruneBackups ?? "keep-all=1"
        let retention = try PruneOptions(parsing: text)
        guard !retention.keepsEverything else { return }
        log.info("prune older backups with retention: \(text)")
        let entries = try await BackupRetention.marks(plugin, options: retention, vmid: vmid.rawValue, type: type.rawValue)
        let removed = entries.filter { $0.mark == .remove }
        for entry in removed { try await plugin.free(entry.volume.volid.name) }
        log.info("pruned \(removed.count) backup(s)" + (removed.isEmpty ? "" : " not covered by keep-retention policy"))
    }

    func guestName(_ vmid: VMID, _ type: BackupArchive.GuestType) async -> String {
        if type == .qemu { return (try? await vms.read(vmid).config["name"]) ?? nil ?? "VM \(vmid)" }
        return (try? await containers.read(vmid).config.hostname(vmid: vmid)) ?? "CT\(vmid)"
    }
}

/// `notes-template`: `{{cluster}}`, `{{guestname}}`, `{{node}}`, `{{vmid}}`, escapes `\n` and
/// `\\` only; anything else is a parameter error (facts §2.7).
public enum NotesTemplate {
    static let variables = ["cluster", "guestname", "node", "vmid"]

    /// Checks a template before a run starts.
    public static func validate(_ template: String) throws {
        _ = try render(template) { _ in "" }
    }

    static func expand(_ template: String, vmid: VMID, guestName: String, node: String) async throws -> String {
        try render(template) { name in
            switch name {
            case "cluster": return "standalone node"
            case "guestname": return guestName
            case "node": return node
            default: return "\(vmid)"
            }
        }
    }

    static func render(_ template: String, _ value: (String) -> String) throws -> String {
        guard template.count <= 1024 else { throw VZDumpError.parameter("notes-template", "value may only be 1024 characters long") }
        var output = "", rest = Substring(template)
        while let first = rest.first {
            if rest.hasPrefix("{{") {
                guard let end = rest.range(of: "}}") else { throw VZDumpError.parameter("notes-template", "unterminated variable") }
                let name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])
                guard variables.contains(name) else { throw VZDumpError.parameter("notes-template", "unknown variable '\(name)'") }
                output += value(name)
                rest = rest[end.upperBound...]
            } else if first == "\\" {
                let next = rest.dropFirst().first
                guard next == "n" || next == "\\" else {
                    throw VZDumpError.parameter("notes-template", "unknown escape sequence '\\\(next.map(String.init) ?? "")'")
                }
                output += next == "n" ? "\n" : "\\"
                rest = rest.dropFirst(2)
            } else {
                output.append(first)
                rest = rest.dropFirst()
            }
        }
        return output
    }
}
