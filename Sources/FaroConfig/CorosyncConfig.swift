/// The cluster's membership in Proxmox's `corosync.conf` shape: the `totem` section (cluster
/// name, config version) and the `nodelist` (name, node id, votes, ring address). Faro runs no
/// corosync; the file is kept so that `/cluster/config/*`, `pvecm` and admins see what they
/// know, and etcd's member list stays the truth about quorum.
public struct CorosyncConfig: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var nodeid: Int
        public var votes: Int
        public var ring0: String

        public init(name: String, nodeid: Int, votes: Int = 1, ring0: String) {
            self.name = name
            self.nodeid = nodeid
            self.votes = votes
            self.ring0 = ring0
        }
    }

    public var clusterName: String
    public var configVersion: Int
    public var nodes: [Node]

    public init(clusterName: String, configVersion: Int = 1, nodes: [Node] = []) {
        self.clusterName = clusterName
        self.configVersion = configVersion
        self.nodes = nodes
    }

    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// The lowest node id no node has, as Proxmox picks it for a joining node.
    public var lowestFreeNodeID: Int {
        let used = Set(nodes.map(\.nodeid))
        return (1...).first { !used.contains($0) }!
    }

    /// The `totem` section as `GET /cluster/config/totem` returns it.
    public var totem: [String: String] {
        [
            "cluster_name": clusterName, "config_version": String(configVersion), "ip_version": "ipv4-6",
            "link_mode": "passive", "secauth": "on", "version": "2",
        ]
    }

    /// The file's text; values are checked with `ConfigLine` first.
    public func render() throws(ConfigLineError) -> String {
        try ConfigLine.check(clusterName, key: "cluster_name")
        var text = "logging {\n  debug: off\n  to_syslog: yes\n}\n\nnodelist {\n"
        for node in nodes.sorted(by: { $0.nodeid < $1.nodeid }) {
            try ConfigLine.check(node.name, key: "name")
            try ConfigLine.check(node.ring0, key: "ring0_addr")
            text += "  node {\n    name: \(node.name)\n    nodeid: \(node.nodeid)\n"
            text += "    quorum_votes: \(node.votes)\n    ring0_addr: \(node.ring0)\n  }\n"
        }
        text += "}\n\nquorum {\n  provider: corosync_votequorum\n}\n\ntotem {\n"
        text += "  cluster_name: \(clusterName)\n  config_version: \(configVersion)\n"
        text += "  interface {\n    linknumber: 0\n  }\n  ip_version: ipv4-6\n  link_mode: passive\n  secauth: on\n  version: 2\n}\n"
        return text
    }

    /// Parses the file: nested `name {` ... `}` blocks of `key: value` lines. Unknown sections
    /// and keys are skipped; a file without `totem.cluster_name` is refused.
    public static func parse(_ text: String) throws(CorosyncConfigError) -> CorosyncConfig {
        var stack: [String] = []
        var totem: [String: String] = [:]
        var nodes: [Node] = []
        var current: [String: String]?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw).trimmedSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasSuffix("{") {
                stack.append(line.dropLast().trimmedSpaces)
                if stack == ["nodelist", "node"] { current = [:] }
            } else if line == "}" {
                guard !stack.isEmpty else { throw .syntax(line: index + 1, reason: "unbalanced '}'") }
                if stack == ["nodelist", "node"], let entry = current {
                    nodes.append(try node(entry, line: index + 1))
                    current = nil
                }
                stack.removeLast()
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmedSpaces
                let value = line[line.index(after: colon)...].trimmedSpaces
                if stack == ["totem"] { totem[key] = value }
                if stack == ["nodelist", "node"] { current?[key] = value }
            } else {
                throw .syntax(line: index + 1, reason: "expected 'key: value', '{' or '}'")
            }
        }
        guard stack.isEmpty else { throw .syntax(line: 0, reason: "unclosed section '\(stack.joined(separator: "."))'") }
        guard let name = totem["cluster_name"], !name.isEmpty else { throw .missing("totem.cluster_name") }
        return CorosyncConfig(clusterName: name, configVersion: Int(totem["config_version"] ?? "") ?? 0, nodes: nodes)
    }

    private static func node(_ entry: [String: String], line: Int) throws(CorosyncConfigError) -> Node {
        guard let name = entry["name"], let nodeid = entry["nodeid"].flatMap({ Int($0) }), let ring0 = entry["ring0_addr"] else {
            throw .syntax(line: line, reason: "a node needs name, nodeid and ring0_addr")
        }
        return Node(name: name, nodeid: nodeid, votes: entry["quorum_votes"].flatMap { Int($0) } ?? 1, ring0: ring0)
    }
}

public enum CorosyncConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(line: Int, reason: String)
    case missing(String)

    public var description: String {
        switch self {
        case .syntax(let line, let reason): return "corosync.conf line \(line): \(reason)"
        case .missing(let key): return "corosync.conf has no \(key)"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing blanks and tabs.
    fileprivate var trimmedSpaces: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
