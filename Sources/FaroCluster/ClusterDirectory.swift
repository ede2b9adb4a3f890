
/// Another node as forwarding needs it: where its daemon listens and which certificate it
/// must present (SHA-256 fingerprint, `AA:BB:...`).
public struct ClusterNode: Sendable, Hashable {
    public var name: String
    public var address: String
    public var port: Int
    public var fingerprint: String

    public init(name: String, address: String, port: Int = 8006, fingerprint: String) {
        self.name = name
        self.address = address
        self.port = port
        self.fingerprint = fingerprint
    }

    /// `https://address:port`, with brackets around an IPv6 address.
    public var baseURL: String { "https://" + (address.contains(":") ? "[\(address)]" : address) + ":\(port)" }
}

/// Where the nodes of the cluster are. Forwarding asks it for the node a request names; a
/// node it does not know is not a cluster node. Status views list every node.
public protocol ClusterDirectory: Sendable {
    func node(named name: String) async -> ClusterNode?
    func nodes() async -> [ClusterNode]
}

/// The fingerprint text Proxmox pins: 32 hex pairs joined by colons.
public enum Fingerprint {
    public static func isValid(_ text: String) -> Bool {
        let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
        return pairs.count == 32 && pairs.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
    }
}

/// A fixed list of nodes: a single node's directory (no other nodes), and the nodes a test or
/// a simulation says are there.
public struct StaticClusterDirectory: ClusterDirectory {
    public let byName: [String: ClusterNode]

    public init(_ nodes: [ClusterNode] = []) {
        self.byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func node(named name: String) async -> ClusterNode? { byName[name] }

    public func nodes() async -> [ClusterNode] { byName.values.sorted { $0.name < $1.name } }
}
