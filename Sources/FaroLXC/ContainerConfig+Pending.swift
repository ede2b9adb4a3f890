import FaroConfig
import FaroGuestSchema

/// The `[pve:pending]` section: values waiting for the next start and `delete: a,b`, the
/// options to remove then.
extension ContainerConfig {
    /// Pending values, without the `delete` list.
    public var pendingValues: [String: String] {
        get { pending.filter { $0.key != "delete" } }
        set {
            var section = pendingSection
            let deletes = section.options["delete"]
            section.options = newValue
            section.options["delete"] = deletes
            storePending(section)
        }
    }

    /// Options to delete at the next start, in the order they were asked for.
    public var pendingDeletes: [String] {
        get { pending["delete"].map { $0.split(separator: ",").map(String.init) } ?? [] }
        set {
            var section = pendingSection
            section.options["delete"] = newValue.isEmpty ? nil : newValue.joined(separator: ",")
            storePending(section)
        }
    }

    public var hasPending: Bool { !pendingValues.isEmpty || !pendingDeletes.isEmpty }

    /// Queues `value` (or a deletion when nil) for the next start; a later change of the
    /// same key replaces an earlier one.
    public mutating func queue(_ key: String, _ value: String?) {
        var values = pendingValues
        var deletes = pendingDeletes.filter { $0 != key }
        values[key] = value
        if value == nil { deletes.append(key) }
        pendingValues = values
        pendingDeletes = deletes
    }

    /// Drops whatever is pending for `key`.
    public mutating func revert(_ key: String) {
        var values = pendingValues
        values[key] = nil
        pendingValues = values
        pendingDeletes = pendingDeletes.filter { $0 != key }
    }

    /// Moves every pending change into the main section.
    public mutating func applyPending() {
        let values = pendingValues, deletes = pendingDeletes
        file.sections.removeAll { $0.name.lowercased() == Self.pendingSection }
        for key in deletes { set(key, nil) }
        for (key, value) in values { set(key, value) }
    }

    /// Sets or removes an option; `description` lives in the comment lines. A mount point
    /// that stops using a storage volume leaves it as `unusedN`, so no volume is orphaned.
    public mutating func set(_ key: String, _ value: String?) {
        guard key != "description" else { return description = value }
        let old = self[key].flatMap { Self.volume(of: key, $0) }
        self[key] = value
        guard let old, key.hasPrefix("mp") || key == "rootfs", value.flatMap({ Self.volume(of: key, $0) }) != old, !ownedVolumes().contains(old),
            let free = (0..<ContainerSchema.maxMountPoints).first(where: { self["unused\($0)"] == nil })
        else { return }
        self["unused\(free)"] = old
    }

    /// The value the container will have after the next start.
    public func effective(_ key: String) -> String? {
        if pendingDeletes.contains(key) { return nil }
        return pendingValues[key] ?? (key == "description" ? description : self[key])
    }

    private var pendingSection: GuestConfigFile.Section { file[section: Self.pendingSection] ?? GuestConfigFile.Section() }

    private mutating func storePending(_ section: GuestConfigFile.Section) {
        let empty = section.options.isEmpty
        if let index = file.sections.firstIndex(where: { $0.name.lowercased() == Self.pendingSection }) {
            if empty { file.sections.remove(at: index) } else { file.sections[index].section = section }
        } else if !empty {
            file.sections.insert((Self.pendingSection, section), at: 0)
        }
    }
}
