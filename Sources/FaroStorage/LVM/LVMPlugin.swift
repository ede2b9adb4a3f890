import FaroModel
import FaroSupport

/// Thick logical volumes in a volume group (`vgname`): raw block devices for VM disks and
/// container volumes. No snapshots or clones, as with Proxmox's `lvm` type.
public struct LVMPlugin: StoragePlugin {
    public static let type = StoragePluginType(
        type: "lvm", contentTypes: [.images, .rootdir], defaultContent: [.images, .rootdir], formats: [.raw],
        defaultFormat: .raw, options: ["vgname", "base", "saferemove", "saferemove_throughput", "tagged_only"],
        required: ["vgname"], fixed: ["vgname", "base"],
        make: { definition, context in try LVMPlugin(definition: definition, context: context) })

    public let definition: StorageDefinition
    let context: StorageContext
    let vg: String
    public var capabilities: StorageCapabilities { [] }

    public init(definition: StorageDefinition, context: StorageContext) throws(StorageError) {
        guard let vg = definition["vgname"] else { throw .invalidOption("vgname", "property is missing and it is not optional") }
        self.definition = definition
        self.context = context
        self.vg = vg
    }

    var lvm: LVMTool { LVMTool(runner: context.runner) }

    public func activate() async throws {
        guard try await lvm.volumeGroup(vg) != nil else {
            throw StorageError.io("unable to activate storage '\(id)' - volume group '\(vg)' not found")
        }
    }

    public func status() async throws -> StorageStatus {
        guard let group = try? await lvm.volumeGroup(vg) else { return .inactive }
        return StorageStatus(total: group.size, used: group.size - group.free, available: group.free, active: true)
    }

    public func listVolumes(content: ContentType?, vmid: VMID?) async throws -> [VolumeInfo] {
        guard content == nil || content == .images || content == .rootdir else { return [] }
        return try await lvm.logicalVolumes(vg: vg).compactMap { volume in
            guard volume.pool.isEmpty, let owner = LVMTool.owner(of: volume.name), vmid == nil || vmid == owner else { return nil }
            return VolumeInfo(
                volid: VolumeID(storage: id, name: volume.name), content: .images, format: "raw", size: volume.size,
                used: volume.size, vmid: owner, ctime: volume.ctime)
        }
    }

    public func allocate(vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64) async throws -> String {
        let lvName = try await newLVMVolumeName(lvm, vg: vg, vmid: vmid, name: name, format: format, sizeKiB: sizeKiB)
        guard let group = try await lvm.volumeGroup(vg), group.free >= sizeKiB * 1024 else {
            throw StorageError.io("not enough free space in volume group '\(vg)' for \(sizeKiB) KiB")
        }
        try await context.runner.checked([
            "lvcreate", "-aly", "-Wy", "--yes", "--size", "\(sizeKiB)k", "--name", lvName, "--setautoactivation", "n", vg,
        ])
        return lvName
    }

    func existingVolume(_ volname: String) async throws -> LVMTool.LogicalVolume {
        try await lvm.existingVolume(volname, vg: vg, storage: id)
    }

    public func free(_ volname: String) async throws {
        _ = try await existingVolume(volname)
        try await lvm.remove(vg: vg, lv: volname)
    }

    public func path(_ volname: String) throws -> String { try LVMTool.devicePath(volname, vg: vg, storage: id) }

    public func info(_ volname: String) async throws -> VolumeInfo {
        let volume = try await existingVolume(volname)
        return VolumeInfo(
            volid: VolumeID(storage: id, name: volname), content: .images, format: "raw", size: volume.size, used: volume.size,
            vmid: LVMTool.owner(of: volname), ctime: volume.ctime)
    }

    public func resize(_ volname: String, bytes: UInt64) async throws {
        _ = try await existingVolume(volname)
        try await lvm.extend(vg: vg, lv: volname, bytes: bytes)
    }

    /// Thick volumes are only copied.
    static let features = VolumeFeatureTable([.copy: [.current: ["raw"]]])

    public func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool {
        guard LVMTool.owner(of: volname) != nil else { return false }
        return Self.features.allows(feature, format: "raw", isBase: false, snapshot: snapshot)
    }
}
