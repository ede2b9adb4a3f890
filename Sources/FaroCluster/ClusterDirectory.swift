import FaroModel
import FaroSupport

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

/// Where the other nodes of the cluster are. Forwarding asks it for the node a request names;
/// a node it does not know is not a cluster node.
public protocol ClusterDirectory: Sendable {
    func node(named name: String) async -> ClusterNode?
    /// Every node the directory knows, in name order: the cluster's members as lists
    /// (`/nodes`, `/cluster/status`, `/cluster/resources`) show them, online or not.
    func nodes() async -> [ClusterNode]
}

/// A fixed list of nodes: the interim directory until the store-backed one, read from
/// `etc/faro/cluster/nodes.json` at start:
/// `{"nodes": [{"name": "n2", "address": "10.0.0.2", "port": 8006, "fingerprint": "AA:..."}]}`.
public struct StaticClusterDirectory: ClusterDirectory {
    public let byName: [String: ClusterNode]

    public init(_ nodes: [ClusterNode] = []) {
        self.byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func node(named name: String) async -> ClusterNode? { byName[name] }

    public func nodes() async -> [ClusterNode] { byName.values.sorted { $0.name < $1.name } }

    /// The directory in `path`; no file is an empty directory. Every entry must name a valid
    /// node, an address, a port and a SHA-256 fingerprint.
    public static func load(_ path: String) throws -> StaticClusterDirectory {
        guard let text = try FileIO.readTextIfExists(path) else { return StaticClusterDirectory() }
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw ClusterError.invalidDirectory(path: path, reason: "\(error)")
        }
        guard let entries = json["nodes"]?.arrayValue else {
            throw ClusterError.invalidDirectory(path: path, reason: "expected an object with a 'nodes' list")
        }
        return StaticClusterDirectory(try entries.enumerated().map { index, entry in
            func fail(_ reason: String) -> ClusterError { .invalidDirectory(path: path, reason: "node \(index): \(reason)") }
            guard let name = entry["name"]?.stringValue, NodeName.isValid(name) else { throw fail("invalid or missing 'name'") }
            guard let address = entry["address"]?.stringValue, !address.isEmpty, !address.contains("/") else {
                throw fail("invalid or missing 'address'")
            }
            let port = entry["port"]?.intValue ?? 8006
            guard (1...65535).contains(port) else { throw fail("invalid 'port' \(port)") }
            guard let fingerprint = entry["fingerprint"]?.stringValue.map({ $0.uppercased() }), Self.isFingerprint(fingerprint) else {
                throw fail("invalid or missing 'fingerprint' (SHA-256 as AA:BB:...)")
            }
            return ClusterNode(name: name, address: address, port: port, fingerprint: fingerprint)
        })
    }

    static func isFingerprint(_ text: String) -> Bool {
        let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
        return pairs.count == 32 && pairs.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
    }
}
