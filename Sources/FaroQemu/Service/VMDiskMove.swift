/// The parameters of `POST .../move_disk`.
public struct VMDiskMove: Sendable {
    public var disk: String
    public var storage: String
    public var format: String?
    /// Free the old volume instead of keeping it as `unused[n]`.
    public var delete = false
    public var digest: String?
    /// KiB/s; 0 means no limit, nil the storages' `bwlimit`.
    public var bwlimit: Int?

    public init(disk: String, storage: String) {
        self.disk = disk
        self.storage = storage
    }
}
