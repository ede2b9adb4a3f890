import FaroModel
import FaroStore

/// Which VMIDs have a config of one kind on any node of the store.
public enum GuestInventory {
    /// The VMIDs with a config in `nodes/<any node>/<directory>` (`lxc`, `qemu-server`).
    public static func vmids(in store: any ConfigStore, directory: String) async throws -> Set<VMID> {
        var ids = Set<VMID>()
        for node in try await store.list("nodes") where node.isDirectory {
            for entry in try await store.list("nodes/\(node.name)/\(directory)") where entry.name.hasSuffix(".conf") {
                if let vmid = VMID(String(entry.name.dropLast(5))) { ids.insert(vmid) }
            }
        }
        return ids
    }
}
