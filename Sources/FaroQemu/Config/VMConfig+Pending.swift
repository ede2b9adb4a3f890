import FaroConfig
import FaroGuest
import FaroGuestSchema

/// The `[PENDING]` section: values waiting for the next start, and `delete: a,!b` (a `!`
/// marks a forced deletion).
extension VMConfig {
    /// Pending values (without the `delete` list).
    public var pending: [String: String] {
        get { PendingSection(of: file, name: Self.pendingSection).values }
        set {
            var section = PendingSection(of: file, name: Self.pendingSection)
            section.values = newValue
            section.store(in: &file)
        }
    }

    /// Pending deletions: key → forced.
    public var pendingDeletes: [String: Bool] {
        get {
            let deletions = PendingSection(of: file, name: Self.pendingSection).deletions
            return Dictionary(deletions.map { ($0.key, $0.force) }) { _, last in last }
        }
        set {
            var section = PendingSection(of: file, name: Self.pendingSection)
            section.deletions = newValue.keys.sorted().map { PendingSection.Deletion(key: $0, force: newValue[$0]!) }
            section.store(in: &file)
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
}
