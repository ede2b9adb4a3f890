import Foundation

/// What `/cluster/status` needs from the store's `corosync.conf`: the cluster's name, its
/// config version and each member's node id. Reads corosync's `section { key: value }` text;
/// anything else in the file is left alone.
struct CorosyncSummary: Sendable, Equatable {
    var clusterName: String?
    var configVersion: Int?
    /// Node ids by node name, from `nodelist { node { name: ...; nodeid: ... } }`.
    var nodeIDs: [String: Int] = [:]

    init(parsing text: String) {
        var sections: [String] = []
        var node: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("{") {
                sections.append(line.dropLast().trimmingCharacters(in: .whitespaces))
                if sections == ["nodelist", "node"] { node = [:] }
            } else if line == "}" {
                if sections == ["nodelist", "node"], let name = node["name"] ?? node["ring0_addr"], let id = node["nodeid"].flatMap(Int.init) {
                    nodeIDs[name] = id
                }
                if !sections.isEmpty { sections.removeLast() }
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch sections {
                case ["totem"] where key == "cluster_name": clusterName = value
                case ["totem"] where key == "config_version": configVersion = Int(value)
                case ["nodelist", "node"]: node[key] = value
                default: break
                }
            }
        }
    }
}
