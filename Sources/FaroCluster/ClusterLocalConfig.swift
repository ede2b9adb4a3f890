import FaroModel
import FaroSupport

/// How this node takes part in a cluster, kept under its root (`etc/faro/cluster/etcd.json`)
/// because the daemon needs it before it can read the store: its etcd member's name,
/// addresses and first peers, the other members' client URLs, and what the next start still
/// has to do with the single-node store. No file means the node is not in a cluster.
public struct ClusterLocalConfig: Sendable, Equatable {
    /// Work left for the next daemon start, which runs while nothing else uses the store.
    public enum Pending: String, Sendable {
        /// `pvecm create`: copy the single-node tree into etcd, then set it aside.
        case importTree = "import"
        /// A join: the cluster's tree replaces this node's; set the old one aside.
        case replaceTree = "replace"
    }

    public var member: EtcdMemberConfiguration
    /// Client URLs of other members, tried after this node's own.
    public var otherEndpoints: [String]
    public var pending: Pending?

    public init(member: EtcdMemberConfiguration, otherEndpoints: [String] = [], pending: Pending? = nil) {
        self.member = member
        self.otherEndpoints = otherEndpoints
        self.pending = pending
    }

    /// Every client URL, this node's member first.
    public var endpoints: [String] { [member.client.url] + otherEndpoints.filter { $0 != member.client.url } }

    /// The node's cluster configuration, or nil when it is not in a cluster.
    public static func load(_ paths: NodePaths) throws -> ClusterLocalConfig? {
        guard let text = try FileIO.readTextIfExists(paths.clusterMemberConfig) else { return nil }
        func invalid(_ reason: String) -> ClusterError { .invalidLocalConfig(path: paths.clusterMemberConfig, reason: reason) }
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch { throw invalid("\(error)") }
        guard let name = json["name"]?.stringValue, let client = endpoint(json["client"]), let peer = endpoint(json["peer"]),
            let state = json["state"]?.stringValue.flatMap(EtcdMemberConfiguration.InitialState.init(rawValue:))
        else { throw invalid("expected name, client, peer and state") }
        var member = EtcdMemberConfiguration(node: name, paths: paths, host: client.host)
        member.client = client
        member.peer = peer
        member.state = state
        member.peers = (json["peers"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, let url = entry["peer_url"]?.stringValue else { return nil }
            return .init(name: name, peerURL: url)
        }
        if let token = json["cluster_token"]?.stringValue { member.clusterToken = token }
        let pending = try json["pending"]?.stringValue.map { text in
            guard let value = Pending(rawValue: text) else { throw invalid("unknown pending step '\(text)'") }
            return value
        }
        return ClusterLocalConfig(
            member: member, otherEndpoints: json["endpoints"]?.arrayValue?.compactMap(\.stringValue) ?? [], pending: pending)
    }

    public func save(_ paths: NodePaths) throws {
        var object: [String: JSONValue] = [
            "name": .string(member.name), "state": .string(member.state.rawValue),
            "client": ["host": .string(member.client.host), "port": .int(member.client.port)],
            "peer": ["host": .string(member.peer.host), "port": .int(member.peer.port)],
            "peers": .array(member.peers.map { ["name": .string($0.name), "peer_url": .string($0.peerURL)] }),
            "endpoints": .array(otherEndpoints.map(JSONValue.string)),
            "cluster_token": .string(member.clusterToken),
        ]
        if let pending { object["pending"] = .string(pending.rawValue) }
        try FileIO.makeDirectory(paths.clusterDir, mode: 0o700)
        try FileIO.writeAtomically(paths.clusterMemberConfig, Array((JSONWriter.string(.object(object), pretty: true) + "\n").utf8), mode: 0o600)
    }

    private static func endpoint(_ json: JSONValue?) -> EtcdEndpoint? {
        guard let host = json?["host"]?.stringValue, let port = json?["port"]?.intValue, (1...65535).contains(port) else { return nil }
        return EtcdEndpoint(host: host, port: port)
    }
}
