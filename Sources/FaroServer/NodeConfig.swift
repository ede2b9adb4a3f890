import Foundation
import FaroSupport

/// `etc/faro/node.conf`: node-local settings as `key: value` lines. The node name is fixed at
/// first start; a later start with another name is refused, because guest configs and tasks
/// are filed under it.
struct NodeConfig: Equatable {
    var values: [String: String]

    var nodeName: String? { values["node"] }

    static func load(_ paths: NodePaths) throws -> NodeConfig {
        var values: [String: String] = [:]
        for line in (try FileIO.readTextIfExists(paths.nodeConfig) ?? "").split(separator: "\n") {
            if line.hasPrefix("#") { continue }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            values[String(parts[0]).trimmingCharacters(in: .whitespaces)] =
                String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        return NodeConfig(values: values)
    }

    func save(_ paths: NodePaths) throws {
        let text = "# Faro node settings\n" + values.keys.sorted().map { "\($0): \(values[$0]!)\n" }.joined()
        try FileIO.makeDirectory(paths.configDir)
        try FileIO.writeAtomically(paths.nodeConfig, Array(text.utf8))
    }
}
