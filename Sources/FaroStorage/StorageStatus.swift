import FaroModel

/// Space on a storage, in bytes, as `pvesm status` and the API report it.
public struct StorageStatus: Sendable, Equatable {
    public var total: UInt64
    public var used: UInt64
    public var available: UInt64
    public var active: Bool

    public init(total: UInt64, used: UInt64, available: UInt64, active: Bool) {
        self.total = total
        self.used = used
        self.available = available
        self.active = active
    }

    public static let inactive = StorageStatus(total: 0, used: 0, available: 0, active: false)
}

/// One entry of a content listing (`GET .../content`).
public struct VolumeInfo: Sendable, Equatable {
    public var volid: VolumeID
    public var content: ContentType
    public var format: String
    public var size: UInt64
    /// Bytes really used (sparse and thin volumes use less than `size`).
    public var used: UInt64?
    public var vmid: VMID?
    public var ctime: Int?
    /// A linked clone's base volume id.
    public var parent: String?
    public var notes: String?
    public var isProtected: Bool

    public init(
        volid: VolumeID, content: ContentType, format: String, size: UInt64, used: UInt64? = nil, vmid: VMID? = nil,
        ctime: Int? = nil, parent: String? = nil, notes: String? = nil, isProtected: Bool = false
    ) {
        self.volid = volid
        self.content = content
        self.format = format
        self.size = size
        self.used = used
        self.vmid = vmid
        self.ctime = ctime
        self.parent = parent
        self.notes = notes
        self.isProtected = isProtected
    }
}
