import FaroConfig
import FaroStore

/// The cluster's nodes as the store describes them: the nodelist of `corosync.conf`, each
/// node's API address from `nodes/<node>/faro-member.json` and the fingerprint of its
/// `nodes/<node>/pve-ssl.pem`. Reads come from the store's local copy; a fingerprint is
/// computed again only when its certificate file changed. A single node (no `corosync.conf`)
/// knows no nodes.
public actor StoreClusterDirectory: ClusterDirectory {
    let store: any ConfigStore
    private var fingerprints: [String: (revision: Int64, fingerprint: String)] = [:]

    public init(store: any ConfigStore) {
        self.store = store
    }

    public func node(named name: String) async -> ClusterNode? {
        guard let config = try? await membership(), config.node(named: name) != nil else { return nil }
        return await describe(name)
    }

    public func nodes() async -> [ClusterNode] {
        guard let config = try? await membership() else { return [] }
        var found: [ClusterNode] = []
        for node in config.nodes.sorted(by: { $0.nodeid < $1.nodeid }) {
            if let described = await describe(node.name) { found.append(described) }
        }
        return found
    }

    func membership() async throws -> CorosyncConfig? {
        guard let file = try await store.read(StoreLayout.corosyncConfig) else { return nil }
        return try CorosyncConfig.parse(String(decoding: file.data, as: UTF8.self))
    }

    /// A node with both its member record and its certificate; one missing either cannot be
    /// reached safely, so it is left out.
    private func describe(_ name: String) async -> ClusterNode? {
        guard let (record, _) = try? await ClusterMemberRecord.load(name, from: store),
            let certificate = try? await store.read(StoreLayout.nodeCertificate(name))
        else { return nil }
        let fingerprint: String
        if let cached = fingerprints[name], cached.revision == certificate.revision {
            fingerprint = cached.fingerprint
        } else {
            guard let computed = try? NodeCertificate.fingerprint(ofPEM: String(decoding: certificate.data, as: UTF8.self)) else {
                return nil
            }
            fingerprints[name] = (certificate.revision, computed)
            fingerprint = computed
        }
        return ClusterNode(name: name, address: record.address, port: record.port, fingerprint: fingerprint)
    }
}
