import FaroModel
import FaroSupport

/// What a storage can do beyond holding volumes.
public struct StorageCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let snapshots = StorageCapabilities(rawValue: 1 << 0)
    public static let linkedClones = StorageCapabilities(rawValue: 1 << 1)
    public static let thinProvisioning = StorageCapabilities(rawValue: 1 << 2)
    /// Container volumes as directories (subvolumes) instead of images.
    public static let subvolumes = StorageCapabilities(rawValue: 1 << 3)
    /// Holds files (ISO images, templates, backups, snippets) at paths.
    public static let files = StorageCapabilities(rawValue: 1 << 4)
    /// Guest volumes can be given to another guest (`renameVolume`).
    public static let renameVolumes = StorageCapabilities(rawValue: 1 << 5)
}

/// What every plugin gets from the node: the tools it runs and where the node lives.
public struct StorageContext: Sendable {
    public var runner: any CommandRunner
    public var nodeName: String
    public var paths: NodePaths

    public init(runner: any CommandRunner, nodeName: String, paths: NodePaths) {
        self.runner = runner
        self.nodeName = nodeName
        self.paths = paths
    }
}

/// One storage backend bound to one definition. A plugin implements what its type supports
/// and reports the rest as `StorageError.unsupported`; the capability set says which is which.
public protocol StoragePlugin: Sendable {
    var definition: StorageDefinition { get }
    var capabilities: StorageCapabilities { get }

    /// Makes the storage usable (creates directories, checks the pool exists).
    func activate() async throws
    func status() async throws -> StorageStatus
    func listVolumes(content: ContentType?, vmid: VMID?) async throws -> [VolumeInfo]

    /// A new guest volume with the next free disk name (or `name`), `sizeKiB` KiB large.
    /// `sizeKiB` 0 with format `subvol` asks for an unlimited directory volume.
    func allocate(vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64) async throws -> String
    func free(_ volname: String) async throws
    /// The file or block device QEMU and LXC use for a volume.
    func path(_ volname: String) throws -> String
    func info(_ volname: String) async throws -> VolumeInfo
    /// Grows a volume to `bytes`.
    func resize(_ volname: String, bytes: UInt64) async throws

    func snapshot(_ volname: String, name: String) async throws
    func rollback(_ volname: String, to name: String) async throws
    func deleteSnapshot(_ volname: String, name: String) async throws
    /// Turns a guest volume into a read-only base volume for linked clones; returns the new name.
    func createBase(_ volname: String) async throws -> String
    /// A linked clone of a base volume for `vmid`; returns the clone's volume name.
    func linkedClone(_ baseVolname: String, vmid: VMID) async throws -> String
    /// Where to read an image volume as it is now, or as it was at `snapshot`.
    func imageSource(_ volname: String, snapshot: String?) async throws -> ImageSource
    /// The read-only file or directory holding a volume as it was at `snapshot`.
    func snapshotPath(_ volname: String, snapshot: String) throws -> String
    /// Gives a guest volume to `vmid` under the next free disk name of that guest; returns the new name.
    func renameVolume(_ volname: String, to vmid: VMID) async throws -> String
    /// Whether `feature` works on the volume as it is, or as it was at `snapshot`.
    func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool
}

extension StoragePlugin {
    public var id: String { definition.id }

    func unsupported(_ operation: String) -> StorageError { .unsupported(storage: definition.id, operation: operation) }

    public func snapshot(_ volname: String, name: String) async throws { throw unsupported("snapshot") }
    public func rollback(_ volname: String, to name: String) async throws { throw unsupported("snapshot rollback") }
    public func deleteSnapshot(_ volname: String, name: String) async throws { throw unsupported("snapshot delete") }
    public func createBase(_ volname: String) async throws -> String { throw unsupported("creating a base volume") }
    public func linkedClone(_ baseVolname: String, vmid: VMID) async throws -> String { throw unsupported("linked clone") }
    public func snapshotPath(_ volname: String, snapshot: String) throws -> String { throw unsupported("reading a snapshot of '\(volname)'") }
    public func renameVolume(_ volname: String, to vmid: VMID) async throws -> String { throw unsupported("rename") }
    public func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool { false }

    public func imageSource(_ volname: String, snapshot: String?) async throws -> ImageSource {
        guard snapshot == nil else { throw unsupported("reading a snapshot of '\(volname)'") }
        return ImageSource(path: try path(volname), format: try await info(volname).format)
    }

    /// The lowest free `<prefix>-<vmid>-disk-N` among `existing` names (Proxmox allows 1024 per guest).
    func nextDiskName(vmid: VMID, prefix: String, suffix: String, existing: Set<String>) throws -> String {
        for n in 0..<1024 {
            let vmName = "vm-\(vmid)-disk-\(n)", baseName = "base-\(vmid)-disk-\(n)", subName = "subvol-\(vmid)-disk-\(n)"
            if [vmName, baseName, subName].contains(where: { stem in existing.contains { $0 == stem || $0.hasPrefix(stem + ".") } }) {
                continue
            }
            return "\(prefix)-\(vmid)-disk-\(n)\(suffix)"
        }
        throw StorageError.io("unable to allocate an image name for VM \(vmid) in storage '\(definition.id)'")
    }
}

/// A storage type: its name, what it may hold, its options and how to build a plugin for a
/// definition. The composition root registers the types a node supports in one table.
public struct StoragePluginType: Sendable {
    public var type: String
    public var contentTypes: Set<ContentType>
    public var defaultContent: Set<ContentType>
    public var formats: [VolumeFormat]
    public var defaultFormat: VolumeFormat
    /// Options this type accepts besides the common ones.
    public var options: Set<String>
    public var required: Set<String>
    /// Options that cannot change after creation.
    public var fixed: Set<String>
    public var make: @Sendable (StorageDefinition, StorageContext) throws -> any StoragePlugin

    public static let commonOptions: Set<String> = [
        "content", "nodes", "disable", "shared", "prune-backups", "max-protected-backups", "bwlimit", "format",
    ]

    public var allOptions: Set<String> { Self.commonOptions.union(options) }

    public init(
        type: String, contentTypes: Set<ContentType>, defaultContent: Set<ContentType>, formats: [VolumeFormat],
        defaultFormat: VolumeFormat, options: Set<String>, required: Set<String>, fixed: Set<String>,
        make: @escaping @Sendable (StorageDefinition, StorageContext) throws -> any StoragePlugin
    ) {
        self.type = type
        self.contentTypes = contentTypes
        self.defaultContent = defaultContent
        self.formats = formats
        self.defaultFormat = defaultFormat
        self.options = options
        self.required = required
        self.fixed = fixed
        self.make = make
    }
}
