import FaroConfig
import FaroModel
import FaroStore
import Foundation

extension ClusterMembership {
    /// What `POST /cluster/config/nodes/{node}` asks for (a joining node calls it).
    public struct AddNodeRequest: Sendable {
        public var node: String
        public var nodeid: Int?
        public var votes: Int?
        public var force: Bool
        /// The joining node's ring address (`link0` or `new_node_ip`).
        public var address: String
        public var apiversion: Int?
        /// Faro: where the new node's API and etcd member listen.
        public var apiPort: Int
        public var etcdClient: EtcdEndpoint
        public var etcdPeer: EtcdEndpoint

        public init(
            node: String, nodeid: Int? = nil, votes: Int? = nil, force: Bool = false, address: String, apiversion: Int? = nil,
            apiPort: Int = 8006, etcdClient: String? = nil, etcdPeer: String? = nil
        ) throws {
            self.node = node
            self.nodeid = nodeid
            self.votes = votes
            self.force = force
            self.address = address
            self.apiversion = apiversion
            self.apiPort = apiPort
            self.etcdClient = try etcdClient.map { try ClusterMembership.endpoint($0, parameter: "etcd-client") }
                ?? EtcdEndpoint(host: address, port: 2379)
            self.etcdPeer = try etcdPeer.map { try ClusterMembership.endpoint($0, parameter: "etcd-peer") }
                ?? EtcdEndpoint(host: address, port: 2380)
            guard self.etcdClient.port != 0, self.etcdPeer.port != 0 else {
                throw ClusterError.refused("etcd-client, etcd-peer: the joining node picks free ports, port 0 is not a port")
            }
        }
    }

    /// Adds a node to the membership: a node id (the lowest free one unless asked), an etcd
    /// member as a learner (it votes once promoted, after catching up), the bumped
    /// `corosync.conf`, its certificate from the cluster CA and its record. Returns what the
    /// joining node needs to start its member (`corosync_conf`, `warnings`, and Faro's `etcd`
    /// object with the CA, its certificate and key, and the members to start with).
    public func addNode(_ request: AddNodeRequest) async throws -> JSONValue {
        let (local, current, file) = try await requireCluster()
        if let version = request.apiversion, version < Self.joinAPIVersion - 1 {
            throw ClusterError.refused("joining node has too old join API version \(version), need at least \(Self.joinAPIVersion - 1)")
        }
        var config = current
        var warnings: [JSONValue] = []
        let client = try etcdClient(local.endpoints)
        defer { Task { await client.shutdown() } }
        if let existing = config.node(named: request.node) {
            guard request.force, request.nodeid == nil || request.nodeid == existing.nodeid, request.votes == nil || request.votes == existing.votes
            else { throw ClusterError.refused("can't add existing node '\(request.node)'") }
            warnings.append(.string("node '\(request.node)' already exists, re-adding it"))
            if let (record, _) = try await ClusterMemberRecord.load(request.node, from: store), !record.etcdID.isEmpty {
                try? await client.remove(id: record.etcdID)
            }
            config.nodes.removeAll { $0.name == request.node }
        }
        if let nodeid = request.nodeid, let owner = config.nodes.first(where: { $0.nodeid == nodeid }) {
            throw ClusterError.refused("Node ID \(nodeid) already used by node '\(owner.name)'")
        }
        for other in config.nodes {
            if let (record, _) = try await ClusterMemberRecord.load(other.name, from: store), record.etcdPeerURL == request.etcdPeer.url {
                throw ClusterError.refused("etcd peer URL \(request.etcdPeer.url) is already used by node '\(other.name)'")
            }
        }
        guard let ca = try await ClusterCA.load(from: store) else { throw ClusterError.refused("the cluster has no CA (\(StoreLayout.clusterCA))") }
        let certificate = try ca.issue(
            node: request.node, addresses: Array(Set([request.address, request.etcdPeer.host, request.etcdClient.host])))
        let nodeid = request.nodeid ?? config.lowestFreeNodeID
        config.nodes.append(.init(name: request.node, nodeid: nodeid, votes: request.votes ?? 1, ring0: request.address))
        config.configVersion += 1
        let text = try config.render()

        let members = try await client.list()
        let added = try await client.add(peerURLs: [request.etcdPeer.url], isLearner: true)
        do {
            let record = ClusterMemberRecord(
                address: request.address, port: request.apiPort, etcdClientURL: request.etcdClient.url,
                etcdPeerURL: request.etcdPeer.url, etcdID: added.id)
            try await store.write(StoreLayout.nodeCertificate(request.node), data: Array(certificate.certificatePEM.utf8), ifRevision: nil)
            try await store.write(StoreLayout.clusterMember(request.node), data: record.bytes, ifRevision: nil)
            try await store.write(StoreLayout.corosyncConfig, data: Array(text.utf8), ifRevision: file.revision)
        } catch {
            try? await client.remove(id: added.id)
            _ = try? await store.delete(StoreLayout.clusterMember(request.node), ifRevision: nil)
            throw error
        }
        let peers = members.filter { !$0.name.isEmpty && !$0.isLearner }.compactMap { member in
            member.peerURLs.first.map { JSONValue.object(["name": .string(member.name), "peer_url": .string($0)]) }
        }
        return [
            "corosync_conf": .string(text), "warnings": .array(warnings),
            "etcd": [
                "ca": .string(ca.certificatePEM), "certificate": .string(certificate.certificatePEM), "key": .string(certificate.keyPEM),
                "member_id": .string(added.id), "peers": .array(peers),
                "endpoints": .array(members.flatMap(\.clientURLs).map(JSONValue.string)),
            ],
        ]
    }

    /// Removes `name` (a node name or ring address) from the cluster: its etcd member, its
    /// nodelist entry and its record. Its guest configs stay in the store, as Proxmox keeps
    /// `/etc/pve/nodes/<node>`; the removed node must not come back with its old data.
    public func deleteNode(_ name: String) async throws {
        let (local, current, file) = try await requireCluster()
        guard let node = current.node(named: name) ?? current.nodes.first(where: { $0.ring0 == name }) else {
            throw ClusterError.refused("Node/IP: \(name) is not a known host of the cluster.")
        }
        guard node.name != nodeName else { throw ClusterError.refused("Cannot delete myself from cluster!") }
        var config = current
        config.nodes.removeAll { $0.name == node.name }
        config.configVersion += 1
        let text = try config.render()
        let client = try etcdClient(local.endpoints)
        defer { Task { await client.shutdown() } }
        let record = try await ClusterMemberRecord.load(node.name, from: store)?.0
        let members = try await client.list()
        let id = record?.etcdID.isEmpty == false ? record!.etcdID : members.first { $0.name == node.name }?.id
        if let id, members.contains(where: { $0.id == id }) { try await client.remove(id: id) }
        try await store.write(StoreLayout.corosyncConfig, data: Array(text.utf8), ifRevision: file.revision)
        _ = try? await store.delete(StoreLayout.clusterMember(node.name), ifRevision: nil)
    }
}
