import FaroConfig
import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroSchema

/// A VM config (`nodes/<node>/qemu-server/<vmid>.conf`) with typed views of the options the
/// driver needs. The text stays the source: keys Faro does not know are kept as they are.
public struct VMConfig: GuestConfig, Equatable {
    public static let pendingSection = "PENDING"

    public var file: GuestConfigFile

    public init(_ file: GuestConfigFile = GuestConfigFile()) { self.file = file }

    public init(parsing text: String) throws(VMConfigError) {
        do {
            file = try GuestConfigFile.parse(text)
        } catch {
            throw .unparsable(error.description)
        }
    }

    public func render() throws(GuestConfigError) -> String { try file.render() }

    public var options: [String: String] {
        get { file.main.options }
        set { file.main.options = newValue }
    }

    public subscript(key: String) -> String? {
        get { file.main.options[key] }
        set { file.main.options[key] = newValue }
    }

    public var description: String? {
        get { file.main.description }
        set { file.main.description = newValue }
    }

    // MARK: typed views

    public func name(vmid: VMID) -> String { self["name"] ?? "VM \(vmid)" }
    public var lock: String? { self["lock"] }
    public var isTemplate: Bool { Self.flag(self["template"], default: false) }
    public var isProtected: Bool { Self.flag(self["protection"], default: false) }
    public var kvmEnabled: Bool { Self.flag(self["kvm"], default: true) }
    public var startsOnBoot: Bool { Self.flag(self["onboot"], default: false) }
    public var sockets: Int { self["sockets"].flatMap(Int.init) ?? 1 }
    public var cores: Int { self["cores"].flatMap(Int.init) ?? 1 }
    public var vcpus: Int { self["vcpus"].flatMap(Int.init) ?? sockets * cores }

    public var memoryMiB: Int {
        guard let text = self["memory"], let values = try? PropertyString.parse(text, keys: DeviceKeys.memory) else { return 512 }
        return values["current"].flatMap(Int.init) ?? 512
    }

    /// The `startup` values: order, up and down delays.
    public var startup: [String: Int] {
        guard let text = self["startup"], let values = try? PropertyString.parse(text, keys: DeviceKeys.startup) else { return [:] }
        return values.compactMapValues(Int.init)
    }

    /// The QEMU machine type, `pc` (i440fx) unless `machine` says otherwise.
    public var machineType: String {
        guard let text = self["machine"], let values = try? PropertyString.parse(text, keys: DeviceKeys.machine) else { return "pc" }
        return values["type"] ?? "pc"
    }

    public var isQ35: Bool { machineType.contains("q35") }

    /// `bios: ovmf`: UEFI firmware instead of SeaBIOS.
    public var usesOVMF: Bool { self["bios"] == "ovmf" }

    /// `efidisk0`, the volume that keeps the UEFI variables.
    public func efiDisk() throws(VMConfigError) -> Drive? {
        try self[Drive.efiDiskKey].map { text throws(VMConfigError) in try Drive(key: Drive.efiDiskKey, text: text) }
    }

    /// The VM's cloud-init drive, made or asked for.
    public func cloudInitDrive() throws(VMConfigError) -> Drive? {
        try drives().first { $0.isCloudInit || $0.cloudInitRequest != nil }
    }

    public func tpmState() throws(VMConfigError) -> Drive? {
        try self[Drive.tpmStateKey].map { text throws(VMConfigError) in try Drive(key: Drive.tpmStateKey, text: text) }
    }

    /// Every drive that may hold a volume: the bus drives, then `efidisk0` and `tpmstate0`.
    public func volumeDrives() throws(VMConfigError) -> [Drive] {
        try drives() + [try efiDisk(), try tpmState()].compactMap { $0 }
    }

    /// Disks and CD-ROMs on the buses, in bus order (not `efidisk0`, which is no bus device).
    public func drives() throws(VMConfigError) -> [Drive] {
        var result: [Drive] = []
        for key in options.keys.sorted() {
            guard let (bus, _) = VMOptions.splitIndexed(key), VMOptions.driveBuses.contains(bus) else { continue }
            result.append(try Drive(key: key, text: options[key]!))
        }
        // `cdrom` is the API's alias of ide2 as a CD-ROM; a file written elsewhere may hold it.
        if let cdrom = options["cdrom"] {
            guard options["ide2"] == nil else { throw .invalidOption(key: "cdrom", message: "conflicts with ide2") }
            result.append(try Drive(key: "ide2", text: cdrom.contains("media=") ? cdrom : cdrom + ",media=cdrom"))
        }
        return result.sorted { ($0.busOrder, $0.index) < ($1.busOrder, $1.index) }
    }

    public func nets() throws(VMConfigError) -> [NetDevice] {
        var result: [NetDevice] = []
        for key in options.keys where key.hasPrefix("net") && VMOptions.splitIndexed(key) != nil {
            result.append(try NetDevice(key: key, text: options[key]!))
        }
        return result.sorted { $0.index < $1.index }
    }

    /// Every volume the main section refers to, drives and `unused[n]`, CD-ROM images excluded.
    public func ownedVolumes() -> [(key: String, volume: String)] {
        var result: [(String, String)] = []
        for key in options.keys.sorted() {
            if let (bus, _) = VMOptions.splitIndexed(key), bus == "unused" {
                result.append((key, options[key]!.split(separator: ",").first.map(String.init) ?? ""))
            } else if let drive = try? Drive(key: key, text: options[key]!), !drive.isCDROM, let volume = drive.volumeID {
                result.append((key, volume))
            }
        }
        return result
    }

    /// The lowest free `unused[n]` key.
    public func nextUnusedKey() -> String? {
        (0..<VMOptions.slots["unused"]!).map { "unused\($0)" }.first { options[$0] == nil && pending[$0] == nil }
    }

    static func flag(_ text: String?, default fallback: Bool) -> Bool {
        guard let text else { return fallback }
        return ["1", "on", "yes", "true"].contains(text.lowercased())
    }

    // MARK: sections

    /// Snapshot names, in file order.
    public var snapshotNames: [String] {
        file.sections.map(\.name).filter { $0.uppercased() != Self.pendingSection && !$0.hasPrefix("special:") }
    }
}

extension Drive {
    var busOrder: Int { VMOptions.driveBuses.firstIndex(of: bus) ?? 9 }
}
