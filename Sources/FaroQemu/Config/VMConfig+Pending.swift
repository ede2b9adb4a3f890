import FaroConfig
import FaroGuestSchema

/// The `[PENDING]` section: values waiting for the next start, and `delete: a,!b` (a `!`
/// marks a forced deletion).
extension VMConfig {
    /// Pending values (without the `delete` list).
    public var pending: [String: String] {
        get { (file[section: Self.pendingSection]?.options ?? [:]).filter { $0.key != "delete" } }
        set {
            var section = file[section: Self.pendingSection] ?? GuestConfigFile.Section()
            let deletes = section.options["delete"]
            section.options = newValue
            section.options["delete"] = deletes
            storePending(section)
        }
    }

    /// Pending deletions: key → forced.
    public var pendingDeletes: [String: Bool] {
        get {
            let text = file[section: Self.pendingSection]?.options["delete"] ?? ""
            var result: [String: Bool] = [:]
            for item in text.split(separator: ",") {
                let forced = item.hasPrefix("!")
                result[String(forced ? item.dropFirst() : item)] = forced
            }
            return result
        }
        set {
            var section = file[section: Self.pendingSection] ?? GuestConfigFile.Section()
            section.options["delete"] = newValue.isEmpty
                ? nil : newValue.keys.sorted().map { (newValue[$0]! ? "!" : "") + $0 }.joined(separator: ",")
            storePending(section)
        }
    }

    public var hasPending: Bool { !pending.isEmpty || !pendingDeletes.isEmpty }

    /// Applies pending values and deletions to the main section. Returns the volumes that
    /// forced deletions of disks and of `unused[n]` entries leave to be freed.
    @discardableResult
    public mutating func applyPending() -> [String] {
        let values = pending, deletes = pendingDeletes
        pending = [:]
        pendingDeletes = [:]
        var freed: [String] = []
        for key in deletes.keys.sorted() {
            if let volume = deleteOption(key, force: deletes[key]!) { freed.append(volume) }
        }
        for (key, value) in values { self[key] = value }
        return freed
    }

    /// Removes an option now. A disk drive's volume moves to `unused[n]` unless `force`;
    /// an `unused[n]` entry (or a forced disk) returns its volume for the caller to free.
    public mutating func deleteOption(_ key: String, force: Bool) -> String? {
        guard let value = self[key] else { return nil }
        self[key] = nil
        if let (bus, _) = VMOptions.splitIndexed(key), bus == "unused" {
            return value.split(separator: ",").first.map(String.init)
        }
        guard let drive = try? Drive(key: key, text: value), !drive.isCDROM, let volume = drive.volumeID else { return nil }
        let stillUsed = ownedVolumes().contains { $0.volume == volume }
        if stillUsed { return nil }
        if force { return volume }
        if let unused = nextUnusedKey() { self[unused] = volume }
        return nil
    }

    /// Removes devices that no longer exist from `boot: order=` (Proxmox does this when a
    /// disk or NIC goes away).
    public mutating func pruneBootOrder() {
        guard let boot = self["boot"], boot.hasPrefix("order=") else { return }
        let kept = boot.dropFirst(6).split(separator: ";").filter { self[String($0)] != nil }
        self["boot"] = kept.isEmpty ? nil : "order=" + kept.joined(separator: ";")
    }

    /// A write drops `unused[n]` entries whose volume a drive uses again (Proxmox does too).
    public mutating func dropReattachedUnused() {
        let attached = Set((try? drives())?.compactMap(\.volumeID) ?? [])
        for key in options.keys where key.hasPrefix("unused") {
            if let volume = options[key]?.split(separator: ",").first, attached.contains(String(volume)) { self[key] = nil }
        }
    }

    private mutating func storePending(_ section: GuestConfigFile.Section) {
        let empty = section.options.isEmpty && section.description == nil
        if let index = file.sections.firstIndex(where: { $0.name.uppercased() == Self.pendingSection }) {
            if empty { file.sections.remove(at: index) } else { file.sections[index].section = section }
        } else if !empty {
            file.sections.insert((Self.pendingSection, section), at: 0)
        }
    }
}
