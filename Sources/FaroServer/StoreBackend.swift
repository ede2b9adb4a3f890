import FaroEtcd
import FaroStore
import FaroSupport

/// Which config store a daemon runs on; `open` is the one place a store is built.
public enum StoreBackend: Sendable {
    /// One node: the SQLite store at `NodePaths.configDatabase`.
    case sqlite
    /// A cluster: etcd members reached with mutual TLS, keys under `prefix`, reads from the
    /// replica at `NodePaths.storeReplica`.
    case etcd(EtcdClient.Configuration, prefix: String = "/faro/")

    /// The store, and what to call when the daemon stops (closing etcd's connections).
    public static func open(
        _ backend: StoreBackend, paths: NodePaths, nodeName: String
    ) async throws -> (store: any ConfigStore, close: @Sendable () async -> Void) {
        switch backend {
        case .sqlite:
            return (try SQLiteConfigStore(path: paths.configDatabase, lockOwner: nodeName), {})
        case .etcd(let configuration, let prefix):
            let client = try EtcdClient(configuration)
            do {
                let store = try await EtcdConfigStore.open(
                    client: client, replicaPath: paths.storeReplica, prefix: prefix, lockOwner: nodeName)
                return (store, { await store.shutdown() })
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }
}
