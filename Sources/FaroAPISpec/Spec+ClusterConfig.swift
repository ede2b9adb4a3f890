import FaroSchema

extension APISpec {
    static let sysAuditRoot = Permissions.check(.privileges(path: "/", ["Sys.Audit"]))

    /// `link0`: the ring address. Faro has one link (etcd's peer URL), so `link1..7` and
    /// `priority` are refused as unknown instead of accepted and ignored.
    static let clusterLink = Schema.propertyString(
        ["address": Schema.string("Hostname (or IP) of this corosync link address.", format: "address").defaultKey()],
        "The node's cluster (ring) address; etcd listens there by default.").optional()

    static func etcdEndpoint(_ what: String, _ port: Int) -> Schema {
        Schema.string(
            "Faro: `ADDRESS:PORT` of this node's etcd \(what) listener (port 0 picks a free one; default: the ring address with \(port)).",
            pattern: "(\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+):[0-9]{1,5}"
        ).optional()
    }

    static let fingerprintSchema = Schema.string(
        "Certificate SHA 256 fingerprint.", pattern: "([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}")

    static var clusterConfigMethods: [APIMethod] {
        [
            APIMethod(
                .get, "/cluster/config", name: "index", description: "Directory index of the cluster configuration.",
                returns: .index(link: "{name}", properties: ["name": .string()]), permissions: sysAuditRoot),
            APIMethod(
                .post, "/cluster/config", name: "create",
                description: """
                    Generate a new cluster configuration: the cluster CA, this node's certificate signed by it, \
                    this node's etcd member as the first of a new cluster, and `corosync.conf`. The \
                    configuration and guests of this node stay; the daemon then restarts on etcd.
                    """,
                parameters: .object([
                    "clustername": Schema.string("The name of the cluster.", format: "pve-node", maxLength: 15),
                    "link0": clusterLink,
                    "nodeid": Schema.integer("Node id for this node.", minimum: 1).optional(),
                    "votes": Schema.integer("Number of votes for this node.", minimum: 1).optional(),
                    "etcd-client": etcdEndpoint("client", 2379),
                    "etcd-peer": etcdEndpoint("peer", 2380),
                ]),
                returns: .string(), permissions: .rootOnly, protected: true),
            APIMethod(
                .get, "/cluster/config/apiversion", name: "join_api_version",
                description: "Return the version of the cluster join API available on this node.",
                returns: Schema.integer("Cluster Join API version, currently 1", minimum: 0), permissions: sysAuditRoot),
            APIMethod(
                .get, "/cluster/config/nodes", name: "nodes", description: "Corosync node list.",
                returns: .index(link: "{node}", properties: ["node": .string()]), permissions: sysAuditRoot),
            APIMethod(
                .post, "/cluster/config/nodes/{node}", name: "addnode",
                description: """
                    Adds a node to the cluster configuration. This call is for internal use (a joining node \
                    calls it). The node's etcd member is added as a learner and votes once promoted. Faro: \
                    allowed to root@pam, or to anyone presenting a valid one-time join `token`; the \
                    answer carries `etcd`, the CA certificate, the node's certificate and key and the \
                    members to start with.
                    """,
                parameters: .object([
                    "node": Common.node,
                    "nodeid": Schema.integer("Node id for this node.", minimum: 1).optional(),
                    "votes": Schema.integer("Number of votes for this node", minimum: 0).optional(),
                    "force": Schema.boolean("Do not throw error if node already exists.").optional(),
                    "new_node_ip": Schema.string("IP Address of node to add. Used as fallback if no links are given.", format: "ip").optional(),
                    "link0": clusterLink,
                    "apiversion": Schema.integer("The JOIN_API_VERSION of the new node.").optional(),
                    "token": Schema.string("Faro: a one-time join token (`pvecm jointoken`) instead of root@pam's login.", maxLength: 128).optional(),
                    "api-port": Schema.integer("Faro: the port of the new node's API (default 8006).", minimum: 1, maximum: 65535).optional(),
                    "etcd-client": etcdEndpoint("client", 2379),
                    "etcd-peer": etcdEndpoint("peer", 2380),
                ]),
                returns: .object([
                    "corosync_conf": .string(), "warnings": .array(of: .string()),
                    "etcd": Common.field(.object([:]).allowingAdditional(), "Faro: what the new node starts its etcd member with."),
                ]),
                permissions: .world, protected: true),
            APIMethod(
                .delete, "/cluster/config/nodes/{node}", name: "delnode",
                description: "Removes a node from the cluster configuration (its etcd member, nodelist entry and record).",
                parameters: .object(["node": Common.node]), returns: .null, permissions: .rootOnly, protected: true),
            APIMethod(
                .get, "/cluster/config/join", name: "join_info",
                description: """
                    Get information needed to join this cluster over the connected node. Faro adds \
                    `join_info`, the base64 string the GUI's Join Information shows.
                    """,
                parameters: .object([
                    "node": Schema.string("The node for which the joinee gets the nodeinfo. ", format: "pve-node").optional()
                ]),
                returns: .object([
                    "config_digest": .string(), "nodelist": .array(of: Schema.object([:]).allowingAdditional()),
                    "preferred_node": .string(), "totem": Schema.object([:]).allowingAdditional(), "join_info": .string(),
                ]),
                permissions: sysAuditRoot),
            APIMethod(
                .post, "/cluster/config/join", name: "join",
                description: """
                    Joins this node into an existing cluster. The node must hold no guests; its configuration \
                    is replaced by the cluster's (the old one is kept under var/lib/faro/backup). Give root@pam's \
                    `password` on the member, or (Faro) a one-time join `token`.
                    """,
                parameters: .object([
                    "hostname": Schema.string("Hostname (or IP) of an existing cluster member, optionally with `:PORT`."),
                    "fingerprint": fingerprintSchema,
                    "password": Schema.string("Superuser (root) password of peer node.", maxLength: 128).optional(),
                    "token": Schema.string("Faro: a one-time join token from `pvecm jointoken` on the member.", maxLength: 128).optional(),
                    "force": Schema.boolean("Do not throw error if node already exists.").optional(),
                    "nodeid": Schema.integer("Node id for this node.", minimum: 1).optional(),
                    "votes": Schema.integer("Number of votes for this node", minimum: 0).optional(),
                    "link0": clusterLink,
                    "etcd-client": etcdEndpoint("client", 2379),
                    "etcd-peer": etcdEndpoint("peer", 2380),
                ]),
                returns: .string(), permissions: .rootOnly, protected: true),
            APIMethod(
                .get, "/cluster/config/totem", name: "totem", description: "Get corosync totem protocol settings.",
                returns: Schema.object([:]).allowingAdditional(), permissions: sysAuditRoot),
            APIMethod(
                .get, "/cluster/config/qdevice", name: "status",
                description: "Get QDevice status. Faro has no QDevice (etcd needs none), so this is always empty.",
                returns: Schema.object([:]).allowingAdditional(), permissions: sysAuditRoot, protected: true),
            APIMethod(
                .post, "/cluster/config/jointoken", name: "jointoken",
                description: "Faro extension: a one-time join token, valid for one hour and one join (`pvecm jointoken`).",
                returns: .object(["token": .string(), "expires": .integer()]), permissions: .rootOnly, protected: true),
            APIMethod(
                .get, "/cluster/config/quorum", name: "quorum",
                description: """
                    Faro extension: quorum as `pvecm status` shows it (etcd in corosync's place): expected and \
                    reachable votes, and every member with its online state.
                    """,
                returns: Schema.object([:]).allowingAdditional(), permissions: sysAuditRoot),
            APIMethod(
                .post, "/cluster/config/expected", name: "expected",
                description: """
                    Faro extension (`pvecm expected 1`): recovery of a lone survivor. Only `1`, only without \
                    quorum: this node's etcd member restarts as the only member with all data, and the other \
                    nodes leave the membership (they must be reinstalled and join again).
                    """,
                parameters: .object(["expected": Schema.integer("Expected votes; only 1.", minimum: 1)]),
                returns: .null, permissions: .rootOnly, protected: true),
            APIMethod(
                .post, "/cluster/config/updatecerts", name: "updatecerts",
                description: """
                    Faro extension (`pvecm updatecerts`): publishes this node's certificate as \
                    `nodes/<node>/pve-ssl.pem`; with `force`, issues a new one from the cluster CA and restarts \
                    the daemon to use it.
                    """,
                parameters: .object(["force": Schema.boolean("Force generation of a new certificate.").optional()]),
                returns: .string(), permissions: .rootOnly, protected: true),
        ]
    }
}
