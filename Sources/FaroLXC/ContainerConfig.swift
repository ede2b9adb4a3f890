import FaroConfig
import FaroGuest
import FaroGuestSchema
import FaroModel

/// A container's config (`nodes/<node>/lxc/<vmid>.conf`): the current options, the
/// `[pve:pending]` section and snapshot sections, all kept as text as the file holds them.
/// Unknown keys, including raw `lxc.*` keys, stay as they are.
public struct ContainerConfig: GuestConfig, Equatable {
    public static let pendingSection = "pve:pending"

    public var file: GuestConfigFile

    public init(_ file: GuestConfigFile = GuestConfigFile()) { self.file = file }

    public init(options: [String: String], description: String? = nil) {
        file = GuestConfigFile()
        file.main.options = options
        file.main.description = description
    }

    public static func parse(_ text: String) throws(GuestConfigError) -> ContainerConfig {
        ContainerConfig(try GuestConfigFile.parse(text))
    }

    public init(parsing text: String) throws(GuestConfigError) { self.init(try GuestConfigFile.parse(text)) }

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

    /// Options waiting for the next start (`[pve:pending]`).
    public var pending: [String: String] { file[section: Self.pendingSection]?.options ?? [:] }

    /// Names of the snapshot sections.
    public var snapshotNames: [String] {
        file.sections.map(\.name).filter { $0 != Self.pendingSection && !$0.contains(":") }
    }

    // MARK: Typed views with Proxmox's defaults

    public func integer(_ key: String, default value: Int) -> Int { self[key].flatMap { Int($0) } ?? value }
    public func flag(_ key: String) -> Bool { self[key] == "1" }

    public var memoryMiB: Int { integer("memory", default: 512) }
    public var swapMiB: Int { integer("swap", default: 512) }
    public var cores: Int? { self["cores"].flatMap { Int($0) } }
    /// `cpulimit` within the schema's 0...8192 (a hand-edited file may say anything).
    public var cpuLimit: Double {
        guard let value = self["cpulimit"].flatMap(Double.init), value.isFinite else { return 0 }
        return min(max(value, 0), 8192)
    }
    public var cpuUnits: Int? { self["cpuunits"].flatMap { Int($0) } }
    public var arch: String { self["arch"] ?? "amd64" }
    public var ostype: String { self["ostype"] ?? "unmanaged" }
    public var isUnprivileged: Bool { flag("unprivileged") }
    public var isTemplate: Bool { flag("template") }
    public var isProtected: Bool { flag("protection") }
    public var lock: String? { self["lock"] }
    public var tty: Int { integer("tty", default: 2) }
    public var console: Bool { self["console"] != "0" }

    public func hostname(vmid: VMID) -> String { self["hostname"] ?? "CT\(vmid)" }

    /// The parsed `rootfs`, nil when absent or malformed.
    public var rootfs: [String: String]? { self["rootfs"].flatMap { try? ContainerSchema.parse("rootfs", $0) } }

    public var features: [String: String] { self["features"].flatMap { try? ContainerSchema.parse("features", $0) } ?? [:] }

    /// The `netN` entries by index, in index order.
    public var networks: [(index: Int, values: [String: String])] {
        indexed("net").compactMap { index, text in
            (try? ContainerSchema.parse("net\(index)", text)).map { (index, $0) }
        }
    }

    /// The `mpN` entries by index, in index order.
    public var mountPoints: [(index: Int, values: [String: String])] {
        indexed("mp").compactMap { index, text in
            (try? ContainerSchema.parse("mp\(index)", text)).map { (index, $0) }
        }
    }

    /// The storage volumes the container owns: `rootfs`, `mpN` and `unusedN`, in the main
    /// section, the pending one and the snapshots, each once. Bind mounts are not owned.
    public func ownedVolumes() -> [String] {
        var volumes: [String] = []
        let sections = [file.main] + file.sections.map(\.section)
        for section in sections {
            for key in section.options.keys.sorted() {
                guard let volume = Self.volume(of: key, section.options[key]!), !volumes.contains(volume) else { continue }
                volumes.append(volume)
            }
        }
        return volumes
    }

    /// The storage volume an option refers to, if it is one (`STORAGE:NAME`, not a path).
    static func volume(of key: String, _ value: String) -> String? {
        let volume: String?
        if key.hasPrefix("unused") {
            volume = value
        } else if key == "rootfs" || (key.hasPrefix("mp") && Int(key.dropFirst(2)) != nil) {
            volume = (try? ContainerSchema.parse(key, value))?["volume"]
        } else {
            volume = nil
        }
        guard let volume, !volume.hasPrefix("/"), volume.contains(":") else { return nil }
        return volume
    }

    /// Raw `lxc.*` keys in file order, passed to the generated lxc config unchanged.
    public var rawLXC: [GuestConfigFile.RawLXCEntry] { file.main.rawLXC }

    func indexed(_ prefix: String) -> [(Int, String)] {
        options.compactMap { key, value -> (Int, String)? in
            guard key.hasPrefix(prefix), let index = Int(key.dropFirst(prefix.count)), "\(prefix)\(index)" == key else {
                return nil
            }
            return (index, value)
        }.sorted { $0.0 < $1.0 }
    }
}
