import FaroModel
import Foundation

/// `pvecm status` and `pvecm nodes` in the shapes Proxmox prints (corosync-quorumtool's),
/// from `GET /cluster/config/quorum`: etcd is the transport and raft the quorum provider;
/// the members listed are those whose etcd answers.
enum ClusterText {
    static func status(_ state: JSONValue, now: Date = Date()) -> String {
        let quorate = state["quorate"]?.intValue == 1
        let online = members(state).filter { $0["online"]?.intValue == 1 }
        var text = "Cluster information\n-------------------\n"
        text += field("Name", state["cluster_name"]?.displayText ?? "")
        text += field("Config Version", state["config_version"]?.displayText ?? "")
        text += field("Transport", "etcd") + field("Secure auth", "on")
        text += "\nQuorum information\n------------------\n"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        text += field("Date", formatter.string(from: now)) + field("Quorum provider", "etcd raft")
        text += field("Nodes", String(online.count)) + field("Node ID", hexID(state["nodeid"]?.intValue ?? 0))
        text += field("Quorate", quorate ? "Yes" : "No")
        text += "\nVotequorum information\n----------------------\n"
        let expected = state["expected_votes"]?.intValue ?? 0
        text += field("Expected votes", String(expected)) + field("Highest expected", String(expected))
        text += field("Total votes", state["total_votes"]?.displayText ?? "0") + field("Quorum", state["quorum"]?.displayText ?? "")
        text += field("Flags", quorate ? "Quorate" : "")
        text += "\nMembership information\n----------------------\n    Nodeid      Votes Name\n"
        for member in online {
            text += hexID(member["nodeid"]?.intValue ?? 0) + pad(member["votes"]?.displayText ?? "1", 11) + " "
                + (member["ring0_addr"]?.stringValue ?? member["name"]?.displayText ?? "") + local(member) + "\n"
        }
        return text
    }

    static func nodes(_ state: JSONValue) -> String {
        var text = "\nMembership information\n----------------------\n    Nodeid      Votes Name\n"
        for member in members(state) where member["online"]?.intValue == 1 {
            text += pad(member["nodeid"]?.displayText ?? "", 10) + pad(member["votes"]?.displayText ?? "1", 11) + " "
                + (member["name"]?.displayText ?? "") + local(member) + "\n"
        }
        return text
    }

    private static func members(_ state: JSONValue) -> [JSONValue] { state["members"]?.arrayValue ?? [] }
    private static func field(_ name: String, _ value: String) -> String {
        (name + ":").padding(toLength: 18, withPad: " ", startingAt: 0) + value + "\n"
    }
    private static func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
    private static func hexID(_ id: Int) -> String { "0x" + pad(String(id, radix: 16), 8).replacingOccurrences(of: " ", with: "0") }
    private static func local(_ member: JSONValue) -> String { member["local"]?.intValue == 1 ? " (local)" : "" }
}
