import FaroSupport

/// The storage types this build of Faro implements; the composition root registers them.
public enum StorageTypes {
    public static let builtIn: [StoragePluginType] = [DirPlugin.type, BtrfsPlugin.type, LVMThinPlugin.type, LVMPlugin.type]

    /// Whether the node has Proxmox's default thin pool `pve/data` (then it gets `local-lvm`).
    public static func hasDefaultThinPool(runner: any CommandRunner) async -> Bool {
        guard let volumes = try? await LVMTool(runner: runner).logicalVolumes(vg: "pve") else { return false }
        return volumes.contains { $0.name == "data" && $0.attributes.hasPrefix("t") }
    }
}

extension StorageTypes {
    /// The node's LVM volume groups (`pvesm scan lvm`).
    public static func volumeGroups(runner: any CommandRunner) async throws -> [String] {
        try await LVMTool(runner: runner).volumeGroups().map(\.name)
    }

    /// The thin pools of a volume group (`pvesm scan lvmthin`).
    public static func thinPools(runner: any CommandRunner, vg: String) async throws -> [String] {
        try await LVMTool(runner: runner).logicalVolumes(vg: vg).filter { $0.attributes.hasPrefix("t") }.map(\.name)
    }
}
