import FaroAPISpec
import FaroCluster
import FaroConfig
import FaroModel
import FaroSchema
import FaroStore
import Foundation

extension Handlers {
    static func registerClusterConfig(_ table: inout HandlerTable, _ services: NodeServices, spec: APISpec) {
        @Sendable func membership() throws -> ClusterMembership {
            guard let membership = services.membership else { throw APIError.failed("cluster management is not available on this daemon") }
            return membership
        }
        /// The corosync.conf of a node in a cluster, or Proxmox's 424 "not in a cluster".
        @Sendable func clusterConfig(_ message: String = "node is not in a cluster, no join info available!") async throws -> CorosyncConfig {
            guard let (config, _) = try await membership().corosyncConfig() else { throw APIError(status: 424, message) }
            return config
        }

        table.on(.get, "/cluster/config") { _ in index(spec, path: "/cluster/config", key: "name") }
        table.on(.get, "/cluster/config/apiversion") { _ in .json(.int(ClusterMembership.joinAPIVersion)) }
        table.on(.get, "/cluster/config/nodes") { _ in
            guard let (config, _) = try await membership().corosyncConfig() else { return .json([]) }
            return .json(.array(config.nodes.sorted { $0.nodeid < $1.nodeid }.map(nodeEntry)))
        }
        table.on(.get, "/cluster/config/totem") { _ in
            guard let (config, _) = try await membership().corosyncConfig() else { return .json([:]) }
            return .json(totem(config))
        }
        table.on(.get, "/cluster/config/qdevice") { _ in .json([:]) }
        table.on(.get, "/cluster/config/join") { request in
            try await joinInfo(services, membership(), config: clusterConfig(), node: request.string("node") ?? services.nodeName)
        }
        table.on(.get, "/cluster/config/quorum") { _ in
            guard (try membership()).isClustered else { throw APIError(status: 424, "node is not in a cluster") }
            return .json(try await membership().quorumState().json)
        }

        table.on(.post, "/cluster/config") { request in
            let membership = try membership()
            let create = ClusterMembership.CreateRequest(
                clusterName: request.required("clustername"), address: try linkAddress(request),
                nodeid: request.int("nodeid"), votes: request.int("votes"),
                etcdClient: request.string("etcd-client"), etcdPeer: request.string("etcd-peer"))
            guard !membership.isClustered else { throw APIError.failed("cluster config '\(StoreLayout.corosyncConfig)' already exists") }
            let upid = try await services.tasks.start(type: "clustercreate", id: create.clusterName, user: request.identity.user.description) { log in
                try await membership.create(create) { log.log($0) }
                restartSoon(services)
            }
            return .json(.string(upid.description))
        }
        table.on(.post, "/cluster/config/join") { request in
            let membership = try membership()
            let credential: ClusterMembership.JoinRequest.Credential
            switch (request.string("password"), request.string("token")) {
            case (let password?, nil): credential = .password(password)
            case (nil, let token?): credential = .token(token)
            case (nil, nil): throw APIError.parameter("password", "property is missing and it is not optional")
            case (_?, _?): throw APIError.parameter("token", "give either password or token, not both")
            }
            let join = ClusterMembership.JoinRequest(
                hostname: request.required("hostname"), fingerprint: request.required("fingerprint"), credential: credential,
                address: try linkAddress(request), nodeid: request.int("nodeid"), votes: request.int("votes"),
                force: request.bool("force") ?? false, etcdClient: request.string("etcd-client"), etcdPeer: request.string("etcd-peer"))
            // Refused before a task starts, so a node that may not join says so at once.
            try await membership.assertJoinable(force: join.force) { _ in }
            let upid = try await services.tasks.start(type: "clusterjoin", id: "", user: request.identity.user.description) { log in
                try await membership.join(join) { log.log($0) }
                restartSoon(services)
            }
            return .json(.string(upid.description))
        }
        table.on(.post, "/cluster/config/nodes/{node}") { request in
            let membership = try membership()
            guard request.identity.isSuperuser || request.string("token") != nil else {
                throw APIError(status: 403, "Permission check failed (user != root@pam and no join token)")
            }
            guard let address = try linkAddress(request) ?? request.string("new_node_ip") else {
                throw APIError.parameter("new_node_ip", "missing: give link0 or new_node_ip")
            }
            let add = try ClusterMembership.AddNodeRequest(
                node: request.required("node"), nodeid: request.int("nodeid"), votes: request.int("votes"),
                force: request.bool("force") ?? false, address: address, apiversion: request.int("apiversion"),
                apiPort: request.int("api-port") ?? 8006, etcdClient: request.string("etcd-client"), etcdPeer: request.string("etcd-peer"))
            _ = try await clusterConfig("node is not in a cluster")
            if !request.identity.isSuperuser, let token = request.string("token") {
                try await JoinTokens(store: services.store, clock: services.clock).consume(token)
            }
            return .json(try await membership.addNode(add))
        }
        table.on(.delete, "/cluster/config/nodes/{node}") { request in
            try await membership().deleteNode(request.required("node"))
            return .null
        }
        table.on(.post, "/cluster/config/jointoken") { _ in
            guard (try membership()).isClustered else { throw APIError(status: 424, "node is not in a cluster") }
            let (token, expires) = try await JoinTokens(store: services.store, clock: services.clock).issue()
            return .json(["token": .string(token), "expires": .int(expires)])
        }
        table.on(.post, "/cluster/config/expected") { request in
            try await membership().setExpectedVotes(request.int("expected") ?? 0) { services.logger.info("\($0)") }
            return .null
        }
        table.on(.post, "/cluster/config/updatecerts") { request in
            let membership = try membership()
            guard membership.isClustered else { throw APIError(status: 424, "node is not in a cluster") }
            let force = request.bool("force") ?? false
            let upid = try await services.tasks.start(type: "updatecerts", id: "", user: request.identity.user.description) { log in
                if try await membership.updateCertificates(force: force, log: { log.log($0) }) { restartSoon(services) }
            }
            return .json(.string(upid.description))
        }
    }

    /// After a create or join task: the daemon restarts once the task's end is written and
    /// its caller had a moment to read it.
    static func restartSoon(_ services: NodeServices) {
        Task {
            try? await Task.sleep(for: .seconds(1))
            await services.restartDaemon?()
        }
    }

    /// The address of `link0` (`[address=]<IP>`), or nil.
    static func linkAddress(_ request: APIRequest) throws -> String? {
        guard let link = request.string("link0") else { return nil }
        let keys = ["address": Schema.string(format: "address").defaultKey()]
        do {
            return try PropertyString.parse(link, keys: keys)["address"]
        } catch {
            throw APIError.parameter("link0", "\(error)")
        }
    }

    static func nodeEntry(_ node: CorosyncConfig.Node) -> JSONValue {
        [
            "node": .string(node.name), "name": .string(node.name), "nodeid": .string(String(node.nodeid)),
            "quorum_votes": .string(String(node.votes)), "ring0_addr": .string(node.ring0),
        ]
    }

    static func totem(_ config: CorosyncConfig) -> JSONValue {
        var totem = JSONValue.object(config.totem.mapValues(JSONValue.string))
        if case .object(var object) = totem {
            object["interface"] = ["0": ["linknumber": "0"]]
            totem = .object(object)
        }
        return totem
    }

    /// Proxmox's join information, plus the GUI's base64 string (`join_info`) for the
    /// preferred node: its address (with `:PORT` when not 8006), fingerprint, ring address and totem.
    static func joinInfo(_ services: NodeServices, _ membership: ClusterMembership, config: CorosyncConfig, node: String) async throws -> APIResult {
        guard config.node(named: node) != nil else { throw APIError.failed("unknown node '\(node)'") }
        let directory = StoreClusterDirectory(store: services.store)
        var nodelist: [JSONValue] = []
        for member in config.nodes.sorted(by: { $0.nodeid < $1.nodeid }) {
            guard let described = await directory.node(named: member.name) else { continue }
            nodelist.append([
                "name": .string(member.name), "nodeid": .string(String(member.nodeid)), "quorum_votes": .string(String(member.votes)),
                "ring0_addr": .string(member.ring0), "pve_addr": .string(described.address), "pve_fp": .string(described.fingerprint),
                "pve_port": .int(described.port),
            ])
        }
        guard let preferred = nodelist.first(where: { $0["name"]?.stringValue == node }) else {
            throw APIError.failed("node '\(node)' has no certificate or address in the store yet")
        }
        let corosync = try await services.store.read(StoreLayout.corosyncConfig)
        let digest = corosync?.digest ?? ""
        let port = preferred["pve_port"]?.intValue ?? 8006
        let address = preferred["pve_addr"]?.stringValue ?? ""
        let shownAddress = port == 8006 ? address : (address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)")
        let information: JSONValue = [
            "ipAddress": .string(shownAddress), "fingerprint": preferred["pve_fp"] ?? .null,
            "peerLinks": ["0": preferred["ring0_addr"] ?? .null], "ring_addr": [preferred["ring0_addr"] ?? .null],
            "totem": totem(config),
        ]
        return .json([
            "nodelist": .array(nodelist), "preferred_node": .string(node), "totem": totem(config), "config_digest": .string(digest),
            "join_info": .string(Data(JSONWriter.bytes(information)).base64EncodedString()),
        ])
    }
}
