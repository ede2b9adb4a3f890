import FaroStore
import Foundation
import Synchronization

/// The cluster backend: every change is one etcd transaction (compare-and-swap, exclusive
/// create with the VMID index `vmid/<id>`, delete, rename), locks are keys on leases, and
/// reads come from a local SQLite replica that one watch keeps current. A change returns once
/// the replica holds it, so a writer reads what it wrote; without quorum reads keep working
/// and changes fail with `StoreError.noQuorum` ("cluster not ready - no quorum?").
public final class EtcdConfigStore: ConfigStore {
    public let client: EtcdClient
    let layout: EtcdLayout
    let replica: EtcdReplica
    let lockOwner: String
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Opens the store over the replica at `replicaPath`, followed by one watch. With
    /// `compactionInterval`, history older than one interval is compacted away periodically.
    public static func open(
        client: EtcdClient, replicaPath: String, prefix: String = "/faro/", lockOwner: String = UUID().uuidString,
        compactionInterval: Duration? = .seconds(600)
    ) async throws -> EtcdConfigStore {
        let layout = EtcdLayout(prefix: prefix)
        let replica = try await EtcdReplica(tree: try SQLiteTree(path: replicaPath), client: client, layout: layout)
        // An empty replica is filled before the store is used; one from before serves reads
        // at once and catches up through its watch (or copies everything again when etcd
        // compacted the history it needs).
        if replica.appliedRevision == 0 { try await replica.resync() }
        let store = EtcdConfigStore(client: client, layout: layout, replica: replica, lockOwner: lockOwner)
        store.tasks.withLock { tasks in
            tasks.append(Task { await replica.run() })
            if let compactionInterval { tasks.append(Task { [weak store] in await store?.compactPeriodically(every: compactionInterval) }) }
        }
        return store
    }

    init(client: EtcdClient, layout: EtcdLayout, replica: EtcdReplica, lockOwner: String) {
        self.client = client
        self.layout = layout
        self.replica = replica
        self.lockOwner = lockOwner
    }

    /// Stops the watch and the compaction and closes the connections.
    public func shutdown() async {
        let running = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        await client.shutdown()
    }

    /// Whether the replica's watch is open, i.e. etcd answers and has a leader.
    public var isConnected: Bool { replica.connected.withLock { $0 } }

    // MARK: reading (the replica)

    public func read(_ path: String) async throws -> StoreFile? { try await replica.tree.read(path) }
    public func readTree(prefix: String) async throws -> [StoreFile] { try await replica.tree.readTree(prefix: prefix) }
    public func keys(prefix: String) async throws -> [StoreKey] { try await replica.tree.keys(prefix: prefix) }
    public func list(_ directory: String) async throws -> [StoreEntry] { try await replica.tree.list(directory) }
    public func currentRevision() async throws -> Int64 { try await replica.tree.currentRevision() }
    public func changes(after revision: Int64) async throws -> [StoreChange]? { try await replica.tree.changes(after: revision) }
    public func watch(prefix: String) -> AsyncStream<StoreChange> { replica.tree.watch(prefix: prefix) }

    // MARK: compaction

    /// Compacts etcd's history to what was current one interval ago, so watchers that lag by
    /// less than an interval keep their place.
    func compactPeriodically(every interval: Duration) async {
        var mark: Int64 = 0
        while (try? await Task.sleep(for: interval)) != nil {
            if mark > 0 { try? await client.compact(revision: mark) }
            mark = replica.appliedRevision
        }
    }
}
