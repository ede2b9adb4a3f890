import FaroConfig
import FaroStore
import FaroSupport
import Foundation

extension ClusterMembership {
    /// What `POST /cluster/config` asks for.
    public struct CreateRequest: Sendable {
        public var clusterName: String
        /// link0's address: the ring address and where etcd listens by default.
        public var address: String?
        public var nodeid: Int?
        public var votes: Int?
        public var etcdClient: String?
        public var etcdPeer: String?

        public init(clusterName: String, address: String? = nil, nodeid: Int? = nil, votes: Int? = nil, etcdClient: String? = nil, etcdPeer: String? = nil) {
            self.clusterName = clusterName
            self.address = address
            self.nodeid = nodeid
            self.votes = votes
            self.etcdClient = etcdClient
            self.etcdPeer = etcdPeer
        }
    }

    /// Creates a cluster of this node (task `clustercreate`): the CA, this node's certificate,
    /// its etcd member as the first of a new cluster, and the membership files, written to the
    /// single-node store, which the next start copies into etcd with everything else. Guests
    /// and configuration stay, as in Proxmox. A failure undoes what was made.
    public func create(_ request: CreateRequest, log: @Sendable (String) -> Void) async throws {
        guard !isClustered, try await store.read(StoreLayout.corosyncConfig) == nil else {
            throw ClusterError.refused("cluster config '\(StoreLayout.corosyncConfig)' already exists")
        }
        let fallback = await defaultAddress()
        let address = request.address ?? fallback
        var configuration = try memberConfiguration(address: address, client: request.etcdClient, peer: request.etcdPeer)
        configuration.state = .new
        configuration.clusterToken = "faro-\(request.clusterName)-\(UUID().uuidString.prefix(8).lowercased())"
        let api = await apiAddress()
        let apiHost = ["0.0.0.0", "::", ""].contains(api.host) ? address : api.host

        let ca = try await ClusterCA.loadOrCreate(in: store)
        log("cluster CA: \(StoreLayout.clusterCA)")
        let certificate = try ca.issue(node: nodeName, addresses: Array(Set([address, apiHost, configuration.client.host])))
        var written: [String] = []
        var etcd: EtcdMember?
        do {
            try certificate.install(caCertificatePEM: ca.certificatePEM, paths: paths)
            try? FileManager.default.removeItem(atPath: paths.etcdDataDir)
            let started = member(configuration)
            etcd = started
            log("starting etcd member '\(nodeName)' (client \(configuration.client.url), peer \(configuration.peer.url))")
            let client = try etcdClient([configuration.client.url])
            defer { Task { await client.shutdown() } }
            try await started.start(client: client)
            let memberID = try await client.status(endpoint: configuration.client.url).memberID

            let nodeid = request.nodeid ?? 1
            let config = CorosyncConfig(
                clusterName: request.clusterName, configVersion: 1,
                nodes: [.init(name: nodeName, nodeid: nodeid, votes: request.votes ?? 1, ring0: address)])
            let record = ClusterMemberRecord(
                address: apiHost, port: api.port, etcdClientURL: configuration.client.url, etcdPeerURL: configuration.peer.url,
                etcdID: memberID)
            for (path, data) in [
                (StoreLayout.nodeCertificate(nodeName), Array(certificate.certificatePEM.utf8)),
                (StoreLayout.clusterMember(nodeName), record.bytes),
                (StoreLayout.corosyncConfig, Array(try config.render().utf8)),
            ] {
                try await store.write(path, data: data, ifRevision: nil)
                written.append(path)
            }
            try ClusterLocalConfig(member: configuration, pending: .importTree).save(paths)
            try installHTTPSCertificate(certificate)
        } catch {
            for path in written { _ = try? await store.delete(path, ifRevision: nil) }
            await removeLocalClusterState(etcd)
            throw error
        }
        log("cluster '\(request.clusterName)' created: node '\(nodeName)' is member 1")
        log("the daemon restarts now on etcd with its certificate signed by the cluster CA (fingerprint \(certificate.fingerprint))")
    }
}
