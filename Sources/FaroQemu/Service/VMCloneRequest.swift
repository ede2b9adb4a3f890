import FaroModel

/// The parameters of `POST .../clone` that shape the new VM.
public struct VMCloneRequest: Sendable {
    public var newid: VMID
    public var name: String?
    public var description: String?
    /// nil: full for a VM, linked for a template.
    public var full: Bool?
    public var storage: String?
    public var format: String?
    public var snapname: String?
    /// KiB/s; 0 means no limit, nil the storages' `bwlimit`.
    public var bwlimit: Int?

    public init(newid: VMID) { self.newid = newid }
}

/// What a clone will do, decided and checked before its task starts.
public struct VMClonePlan: Sendable {
    public enum Copy: Sendable, Equatable {
        /// A `qemu-img convert` onto `storage` in `format`.
        case full(storage: String, format: String)
        /// A linked clone of the base volume on its own storage.
        case linked
    }

    public struct Disk: Sendable, Equatable {
        public var key: String
        public var volume: String
        public var copy: Copy
    }

    public var source: VMID
    public var newid: VMID
    /// The new config without its disks' new volumes yet.
    public var config: VMConfig
    public var disks: [Disk]
    public var snapshot: String?
    public var bytesPerSecond: UInt64?

    /// The storages the clone creates volumes on.
    public var targetStorages: [String] {
        var result: [String] = []
        for disk in disks {
            let storage: String
            switch disk.copy {
            case .full(let target, _): storage = target
            case .linked: storage = String(disk.volume.prefix { $0 != ":" })
            }
            if !result.contains(storage) { result.append(storage) }
        }
        return result
    }
}
