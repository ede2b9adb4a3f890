import FaroConfig
import FaroModel
import FaroStore
import Foundation

extension ClusterMembership {
    /// Quorum as `pvecm status` shows it, with etcd in corosync's place: a voting member
    /// counts when its etcd answers, the node is quorate when its own member knows a leader.
    public struct QuorumState: Sendable {
        public struct Member: Sendable {
            public var name: String
            public var ring0: String
            public var nodeid: Int
            public var votes: Int
            public var online: Bool
            public var local: Bool
        }

        public var clusterName: String
        public var configVersion: Int
        public var quorate: Bool
        public var expectedVotes: Int
        public var totalVotes: Int
        public var members: [Member]
        public var localNodeID: Int

        /// A majority of the expected votes.
        public var quorum: Int { expectedVotes / 2 + 1 }

        public var json: JSONValue {
            [
                "cluster_name": .string(clusterName), "config_version": .int(configVersion), "quorate": .int(quorate ? 1 : 0),
                "expected_votes": .int(expectedVotes), "total_votes": .int(totalVotes), "quorum": .int(quorum),
                "nodeid": .int(localNodeID),
                "members": .array(members.map { member in
                    [
                        "name": .string(member.name), "ring0_addr": .string(member.ring0), "nodeid": .int(member.nodeid), "votes": .int(member.votes),
                        "online": .int(member.online ? 1 : 0), "local": .int(member.local ? 1 : 0),
                    ]
                }),
            ]
        }
    }

    /// Asks every member's etcd for its status (a short timeout each); works without quorum.
    public func quorumState() async throws -> QuorumState {
        let (local, config, _) = try await requireCluster()
        let client = try EtcdClusterClient(endpoints: local.endpoints, tls: EtcdTLSFiles(paths: paths), timeout: .seconds(1))
        defer { Task { await client.shutdown() } }
        var members: [QuorumState.Member] = []
        for node in config.nodes.sorted(by: { $0.nodeid < $1.nodeid }) {
            let url = node.name == nodeName ? local.member.client.url : try await ClusterMemberRecord.load(node.name, from: store)?.0.etcdClientURL
            var online = false
            if let url, let status = try? await client.status(endpoint: url) { online = status.leader != "0" || node.name == nodeName }
            members.append(.init(name: node.name, ring0: node.ring0, nodeid: node.nodeid, votes: node.votes, online: online, local: node.name == nodeName))
        }
        let own = try? await client.status(endpoint: local.member.client.url)
        return QuorumState(
            clusterName: config.clusterName, configVersion: config.configVersion, quorate: (own?.leader ?? "0") != "0",
            expectedVotes: config.nodes.reduce(0) { $0 + $1.votes },
            totalVotes: members.filter(\.online).reduce(0) { $0 + $1.votes }, members: members,
            localNodeID: config.node(named: nodeName)?.nodeid ?? 0)
    }

    /// `pvecm expected 1`: the recovery of a lone survivor. Only `1` is possible and only
    /// while this node has no quorum: its etcd member restarts as the only member of a new
    /// cluster with all data (`--force-new-cluster`), and the other nodes leave the
    /// membership; they must be reinstalled (or wiped) and join again.
    public func setExpectedVotes(_ expected: Int, log: @Sendable (String) -> Void) async throws {
        let (local, current, file) = try await requireCluster()
        guard expected == 1 else {
            throw ClusterError.refused("Unable to set expected votes: Faro can only lower them to 1, to recover a lone survivor")
        }
        let state = try await quorumState()
        guard !state.quorate else {
            throw ClusterError.refused("Unable to set expected votes: the cluster is quorate (\(state.totalVotes) of \(state.expectedVotes) votes)")
        }
        let etcd = member(local.member)
        await etcd.stop()
        var recovery = local.member
        recovery.forceNewCluster = true
        let client = try etcdClient([local.member.client.url])
        defer { Task { await client.shutdown() } }
        log("restarting etcd member '\(nodeName)' as the only member of the cluster")
        try await member(recovery).start(client: client)
        var config = current
        config.nodes.removeAll { $0.name != nodeName }
        config.configVersion += 1
        try await store.write(StoreLayout.corosyncConfig, data: Array(try config.render().utf8), ifRevision: file.revision)
        for node in current.nodes where node.name != nodeName {
            _ = try? await store.delete(StoreLayout.clusterMember(node.name), ifRevision: nil)
        }
        var saved = local
        saved.otherEndpoints = []
        saved.member.peers = []
        try saved.save(paths)
    }
}
