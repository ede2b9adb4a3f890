import FaroGuestSchema
import FaroSchema
import FaroStorage

/// One `ide[n]`/`sata[n]`/`scsi[n]`/`virtio[n]` entry, or `efidisk0` (bus `efidisk`): the
/// volume (or `none`, or a new-disk request `STORAGE:SIZE_GiB`) and its options, kept as text
/// in the order-free property form.
public struct Drive: Sendable, Equatable {
    public static let efiDiskKey = "efidisk0"
    public static let tpmStateKey = "tpmstate0"

    /// The config key, e.g. `scsi0`.
    public var key: String
    public var bus: String
    public var index: Int
    public var values: [String: String]

    public init(key: String, text: String) throws(VMConfigError) {
        let bus: String, index: Int
        if key == Self.efiDiskKey {
            (bus, index) = ("efidisk", 0)
        } else if key == Self.tpmStateKey {
            (bus, index) = ("tpmstate", 0)
        } else if let (indexedBus, slot) = VMOptions.splitIndexed(key), VMOptions.driveBuses.contains(indexedBus) {
            (bus, index) = (indexedBus, slot)
        } else {
            throw .invalidOption(key: key, message: "not a drive slot")
        }
        do {
            values = try PropertyString.parse(text, keys: Self.keys(bus: bus))
        } catch {
            throw .invalidOption(key: key, message: Self.describe(error, key: key))
        }
        self.key = key
        self.bus = bus
        self.index = index
        if isCDROM, bus == "virtio" { throw .invalidOption(key: key, message: "virtio drives cannot be CD-ROMs") }
    }

    static func describe(_ error: PropertyString.Error, key: String) -> String {
        let details = error.keyErrors.keys.sorted().map { "\(key).\($0): \(error.keyErrors[$0]!)" }
        return (["invalid format - \(error.message)"] + details).joined(separator: "\n")
    }

    public var file: String { values["file"] ?? "none" }
    public var isEFIDisk: Bool { bus == "efidisk" }
    public var isTPMState: Bool { bus == "tpmstate" }

    static func keys(bus: String) -> [String: Schema] {
        bus == "efidisk" ? DeviceKeys.efidisk : bus == "tpmstate" ? DeviceKeys.tpmstate : DeviceKeys.drive
    }
    public var isCDROM: Bool { values["media"] == "cdrom" }
    public var isNone: Bool { file == "none" }

    /// `STORAGE:cloudinit`: a cloud-init drive to allocate on create or update; the storage.
    public var cloudInitRequest: String? {
        guard bus != "efidisk", bus != "tpmstate", let colon = file.firstIndex(of: ":"), file[file.index(after: colon)...] == "cloudinit" else { return nil }
        return String(file[..<colon])
    }

    /// A made cloud-init drive: its volume is `vm-<vmid>-cloudinit[.fmt]`.
    public var isCloudInit: Bool {
        guard let volume = volumeID else { return false }
        let name = volume.split(separator: "/").last.map(String.init) ?? volume
        return name.hasSuffix("-cloudinit") || name.split(separator: ".").first?.hasSuffix("-cloudinit") == true
    }

    /// `STORAGE:SIZE_GiB` (e.g. `local:4`, `local:0.5`): a disk to allocate on create or update.
    public var allocationRequest: (storage: String, sizeGiB: Double)? {
        guard !isCDROM, let request = AllocationRequest.parse(file) else { return nil }
        return (request.storage, request.gib)
    }

    /// A storage volume (`local:iso/x.iso`, `local:100/vm-100-disk-0.qcow2`), not a path or `none`.
    public var volumeID: String? {
        guard !isNone, !file.hasPrefix("/"), file.contains(":"), allocationRequest == nil, cloudInitRequest == nil else { return nil }
        return file
    }

    public var text: String { PropertyString.print(values, keys: Self.keys(bus: bus)) }
}
