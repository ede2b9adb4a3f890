import FaroModel
import FaroSupport

/// Thin volumes in an LVM thin pool (`vgname`/`thinpool`): VM disks and container volumes as
/// raw block devices `/dev/<vg>/vm-<vmid>-disk-N`, thin snapshots `snap_<volume>_<name>`, and
/// linked clones as thin snapshots of `base-` volumes.
public struct LVMThinPlugin: StoragePlugin {
    public static let type = StoragePluginType(
        type: "lvmthin", contentTypes: [.images, .rootdir], defaultContent: [.images, .rootdir],
        formats: [.raw], defaultFormat: .raw, options: ["vgname", "thinpool"], required: ["vgname", "thinpool"],
        fixed: ["vgname", "thinpool"],
        make: { definition, context in try LVMThinPlugin(definition: definition, context: context) })

    public let definition: StorageDefinition
    let context: StorageContext
    let vg: String
    let pool: String
    public var capabilities: StorageCapabilities { [.snapshots, .linkedClones, .thinProvisioning] }

    public init(definition: StorageDefinition, context: StorageContext) throws(StorageError) {
        guard let vg = definition["vgname"] else { throw .invalidOption("vgname", "property is missing and it is not optional") }
        guard let pool = definition["thinpool"] else {
            throw .invalidOption("thinpool", "property is missing and it is not optional")
        }
        self.definition = definition
        self.context = context
        self.vg = vg
        self.pool = pool
    }

    var lvm: LVMTool { LVMTool(runner: context.runner) }

    public func activate() async throws {
        guard try await lvm.logicalVolumes(vg: vg).contains(where: { $0.name == pool && $0.attributes.hasPrefix("t") }) else {
            throw StorageError.io("unable to activate storage '\(id)' - no thin pool '\(vg)/\(pool)'")
        }
    }

    public func status() async throws -> StorageStatus {
        guard let volumes = try? await lvm.logicalVolumes(vg: vg),
            let thinPool = volumes.first(where: { $0.name == pool && $0.attributes.hasPrefix("t") })
        else { return .inactive }
        let used = UInt64(Double(thinPool.size) * (thinPool.dataPercent ?? 0) / 100)
        return StorageStatus(total: thinPool.size, used: used, available: thinPool.size - min(used, thinPool.size), active: true)
    }

    func volumes() async throws -> [LVMTool.LogicalVolume] {
        try await lvm.logicalVolumes(vg: vg).filter { $0.pool == pool && LVMTool.owner(of: $0.name) != nil }
    }

    public func listVolumes(content: ContentType?, vmid: VMID?) async throws -> [VolumeInfo] {
        guard content == nil || content == .images || content == .rootdir else { return [] }
        return try await volumes().compactMap { volume in
            guard let owner = LVMTool.owner(of: volume.name), vmid == nil || vmid == owner else { return nil }
            return info(volume, owner: owner)
        }
    }

    func info(_ volume: LVMTool.LogicalVolume, owner: VMID) -> VolumeInfo {
        VolumeInfo(
            volid: VolumeID(storage: id, name: volume.name), content: .images, format: "raw", size: volume.size,
            used: volume.dataPercent.map { UInt64(Double(volume.size) * $0 / 100) }, vmid: owner, ctime: volume.ctime)
    }

    public func allocate(vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64) async throws -> String {
        let lvName = try await newLVMVolumeName(lvm, vg: vg, vmid: vmid, name: name, format: format, sizeKiB: sizeKiB)
        try await context.runner.checked([
            "lvcreate", "--type", "thin", "-V", "\(sizeKiB)k", "--name", lvName, "--thinpool", "\(vg)/\(pool)",
            "--setautoactivation", "n", "--yes",
        ])
        return lvName
    }

    func existingVolume(_ volname: String) async throws -> LVMTool.LogicalVolume {
        try await lvm.existingVolume(volname, vg: vg, storage: id)
    }

    public func free(_ volname: String) async throws {
        _ = try await existingVolume(volname)
        for snapshot in try await lvm.logicalVolumes(vg: vg) where snapshot.name.hasPrefix("snap_\(volname)_") {
            try await lvm.remove(vg: vg, lv: snapshot.name)
        }
        try await lvm.remove(vg: vg, lv: volname)
    }

    public func path(_ volname: String) throws -> String { try LVMTool.devicePath(volname, vg: vg, storage: id) }

    public func info(_ volname: String) async throws -> VolumeInfo {
        let volume = try await existingVolume(volname)
        return info(volume, owner: LVMTool.owner(of: volname)!)
    }

    public func resize(_ volname: String, bytes: UInt64) async throws {
        _ = try await existingVolume(volname)
        try await lvm.extend(vg: vg, lv: volname, bytes: bytes)
    }

    public func snapshot(_ volname: String, name: String) async throws {
        _ = try await existingVolume(volname)
        try await context.runner.checked(["lvcreate", "--name", "snap_\(volname)_\(name)", "-pr", "--snapshot", "\(vg)/\(volname)"])
    }

    /// Replaces the volume by a thin snapshot of the snapshot.
    public func rollback(_ volname: String, to name: String) async throws {
        _ = try await existingVolume(volname)
        try await lvm.remove(vg: vg, lv: volname)
        try await context.runner.checked(["lvcreate", "-kn", "-n", volname, "-s", "\(vg)/snap_\(volname)_\(name)"])
    }

    public func deleteSnapshot(_ volname: String, name: String) async throws {
        _ = try await existingVolume(volname)
        try await lvm.remove(vg: vg, lv: "snap_\(volname)_\(name)")
    }

    public func createBase(_ volname: String) async throws -> String {
        _ = try await existingVolume(volname)
        guard volname.hasPrefix("vm-") else { throw unsupported("converting '\(volname)' to a base volume") }
        let baseName = "base-" + volname.dropFirst(3)
        try await lvm.rename(vg: vg, from: volname, to: baseName)
        try await lvm.setPermission(vg: vg, lv: baseName, readOnly: true)
        return baseName
    }

    public func linkedClone(_ baseVolname: String, vmid: VMID) async throws -> String {
        _ = try await existingVolume(baseVolname)
        guard baseVolname.hasPrefix("base-") else { throw unsupported("a linked clone of '\(baseVolname)'") }
        let existing = Set(try await lvm.logicalVolumes(vg: vg).map(\.name))
        let name = try nextDiskName(vmid: vmid, prefix: "vm", suffix: "", existing: existing)
        try await context.runner.checked(["lvcreate", "-n", name, "-prw", "-kn", "-s", "\(vg)/\(baseVolname)"])
        return name
    }

    /// Thin volumes snapshot and clone by thin snapshots; a snapshot is not read as an image.
    static let features = VolumeFeatureTable([
        .snapshot: [.current: ["raw"], .snap: ["raw"]],
        .clone: [.base: ["raw"]],
        .template: [.current: ["raw"]],
        .copy: [.current: ["raw"], .base: ["raw"]],
    ])

    public func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool {
        guard LVMTool.owner(of: volname) != nil else { return false }
        return Self.features.allows(feature, format: "raw", isBase: volname.hasPrefix("base-"), snapshot: snapshot)
    }
}
