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
