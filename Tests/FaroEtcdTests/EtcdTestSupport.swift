import FaroEtcd
import FaroStore
import FaroTesting
import Foundation

/// Stores over a test cluster, each with its own client and replica file, under one fresh
/// prefix (a fresh, empty store). `with` shuts every store down afterwards, also on failure.
final class EtcdStores {
    let cluster: EtcdCluster
    let prefix = "/faro-test-\(UUID().uuidString)/"
    private var opened: [EtcdConfigStore] = []
    private var clients: [EtcdClient] = []

    init(_ cluster: EtcdCluster) { self.cluster = cluster }

    static func with<T>(_ cluster: EtcdCluster, _ body: (EtcdStores) async throws -> T) async throws -> T {
        let stores = EtcdStores(cluster)
        do {
            let result = try await body(stores)
            await stores.shutdown()
            return result
        } catch {
            await stores.shutdown()
            throw error
        }
    }

    /// A client of `endpoints` (all members by default), closed with the stores.
    func client(endpoints: [String]? = nil) throws -> EtcdClient {
        let client = try EtcdClient(
            .init(
                endpoints: endpoints ?? cluster.clientURLs, caFile: cluster.caFile, certificateFile: cluster.clientCertificate,
                keyFile: cluster.clientKey, timeout: .seconds(3)))
        clients.append(client)
        return client
    }

    /// A store talking to `endpoints`, with a fresh replica unless `replica` names one.
    func open(endpoints: [String]? = nil, replica: String? = nil) async throws -> EtcdConfigStore {
        let store = try await EtcdConfigStore.open(
            client: try client(endpoints: endpoints), replicaPath: replica ?? cluster.directory.file("replica-\(UUID().uuidString).db"),
            prefix: prefix, compactionInterval: nil)
        opened.append(store)
        return store
    }

    /// Stops one store early (its client closes with it).
    func close(_ store: EtcdConfigStore) async {
        opened.removeAll { $0 === store }
        await store.shutdown()
    }

    func shutdown() async {
        for store in opened { await store.shutdown() }
        for client in clients { await client.shutdown() }
        opened = []
        clients = []
    }
}

extension EtcdCluster {
    /// Runs `body` with a cluster of `members`, stopped afterwards whatever happens.
    static func with<T>(members: Int, _ body: (EtcdCluster) async throws -> T) async throws -> T {
        let cluster = try await EtcdCluster(members: members)
        defer { cluster.stop() }
        return try await body(cluster)
    }
}

/// Polls `body` until it gives a value, for up to 10 s.
func eventually<T>(_ body: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + .seconds(10)
    while true {
        if let value = try await body() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try await Task.sleep(for: .milliseconds(10))
    }
}
