/// What a guest operation asks of a volume, as Proxmox's `feature` methods name it.
public enum VolumeFeature: String, Sendable, CaseIterable {
    /// A snapshot of the volume (and a read of it at that snapshot).
    case snapshot
    /// A linked clone: a new volume that shares the volume's blocks.
    case clone
    /// Turning the volume into a read-only base for linked clones.
    case template
    /// A full copy into a new volume.
    case copy
}

/// Which formats allow each feature on one storage type, by the state the volume is in: as it
/// is now (`current`), a base volume of a template (`base`), or read at a snapshot (`snap`).
/// The tables state what the plugin's code does, so an answer of `feature` is a promise the
/// operation keeps.
public struct VolumeFeatureTable: Sendable {
    public enum State: Sendable { case current, base, snap }

    let formats: [VolumeFeature: [State: Set<String>]]

    public init(_ formats: [VolumeFeature: [State: Set<String>]]) { self.formats = formats }

    public func allows(_ feature: VolumeFeature, format: String, isBase: Bool, snapshot: String?) -> Bool {
        let state: State = snapshot != nil ? .snap : isBase ? .base : .current
        return formats[feature]?[state]?.contains(format) ?? false
    }
}
