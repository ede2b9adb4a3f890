import FaroConfig
import FaroGuest
import FaroGuestSchema

/// The `[pve:pending]` section: values waiting for the next start and `delete: a,b`, the
/// options to remove then.
extension ContainerConfig {
    /// Pending values, without the `delete` list.
    public var pendingValues: [String: String] {
        get { PendingSection(of: file, name: Self.pendingSection).values }
        set {
            var section = PendingSection(of: file, name: Self.pendingSection)
            section.values = newValue
            section.store(in: &file)
        }
    }

    /// Options to delete at the next start, in the order they were asked for.
    public var pendingDeletes: [String] {
        get { PendingSection(of: file, name: Self.pendingSection).deletions.map(\.key) }
        set {
            var section = PendingSection(of: file, name: Self.pendingSection)
            section.deletions = newValue.map { PendingSection.Deletion(key: $0) }
            section.store(in: &file)
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
}
