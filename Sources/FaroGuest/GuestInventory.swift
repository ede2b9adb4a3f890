import FaroModel
import FaroStore

/// The guests of the whole store, from a keys-only listing: no config is read to list them.
public enum GuestInventory {
    /// One guest config in the store, with the revision of its file.
    public struct Guest: Sendable, Equatable {
        public let node: String
        public let kind: StoreLayout.GuestKind
        public let vmid: VMID
        public let path: String
        public let revision: Int64
    }

    /// Every guest config on every node, in path order.
    public static func guests(in store: any ConfigStore) async throws -> [Guest] {
        try await store.keys(prefix: StoreLayout.nodesPrefix).compactMap { key in
            guard let guest = StoreLayout.guestConfig(key.path) else { return nil }
            return Guest(node: guest.node, kind: guest.kind, vmid: guest.vmid, path: key.path, revision: key.revision)
        }
    }

    /// The VMIDs with a config of one kind on any node (`lxc`, `qemu-server`).
    public static func vmids(in store: any ConfigStore, kind: StoreLayout.GuestKind) async throws -> Set<VMID> {
        Set(try await guests(in: store).filter { $0.kind == kind }.map(\.vmid))
    }
}
