import FaroConfig

/// A guest's pending section (`[PENDING]` for VMs, `[pve:pending]` for containers): values
/// waiting for the next start, and `delete: a,!b`, the options to remove then (`!` forces the
/// removal, so a disk's volume is freed instead of kept as `unused[n]`).
public struct PendingSection: Sendable, Equatable {
    public struct Deletion: Sendable, Equatable {
        public var key: String
        public var force: Bool

        public init(key: String, force: Bool = false) {
            self.key = key
            self.force = force
        }
    }

    /// The section's name in the file, e.g. `PENDING`; matched without regard to case.
    public let name: String
    public var values: [String: String]
    /// In the order the file lists them.
    public var deletions: [Deletion]
    /// The section's comment lines, kept as they were.
    var description: String?

    /// The pending section of `file`, empty when it has none.
    public init(of file: GuestConfigFile, name: String) {
        self.name = name
        let section = file[section: name] ?? GuestConfigFile.Section()
        values = section.options.filter { $0.key != "delete" }
        deletions = (section.options["delete"] ?? "").split(separator: ",").map { item in
            item.hasPrefix("!") ? Deletion(key: String(item.dropFirst()), force: true) : Deletion(key: String(item))
        }
        description = section.description
    }

    public var isEmpty: Bool { values.isEmpty && deletions.isEmpty }

    /// Writes the section into `file`: in place of the old one, first among the sections when
    /// it is new, and not at all when nothing is pending.
    public func store(in file: inout GuestConfigFile) {
        var section = GuestConfigFile.Section()
        section.description = description
        section.options = values
        if !deletions.isEmpty {
            section.options["delete"] = deletions.map { ($0.force ? "!" : "") + $0.key }.joined(separator: ",")
        }
        let empty = section.options.isEmpty && section.description == nil
        if let index = file.sections.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            if empty { file.sections.remove(at: index) } else { file.sections[index].section = section }
        } else if !empty {
            file.sections.insert((name, section), at: 0)
        }
    }
}
