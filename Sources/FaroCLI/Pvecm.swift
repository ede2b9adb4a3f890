import FaroAPISpec
import FaroModel

/// `pvecm`: create a cluster, join it, change and show its membership, with Proxmox's
/// subcommands. `add` runs the join on this node's daemon (which talks to the member);
/// `status` and `nodes` print corosync-quorumtool's shapes with etcd in corosync's place.
public enum Pvecm {
    public static let tool = CommandTableTool(name: "pvecm", commands: [
        CLICommand("create", .post, "/cluster/config", positional: ["clustername"], output: .task),
        CLICommand(
            "add", .post, "/cluster/config/join", positional: ["hostname"], output: .task,
            passwordPrompt: { parameters in
                parameters["token"] == nil
                    ? ("password", "Please enter superuser (root) password for '\(parameters["hostname"]?.displayText ?? "")': ") : nil
            }),
        CLICommand("addnode", .post, "/cluster/config/nodes/{node}", positional: ["node"], output: .quiet),
        CLICommand("delnode", .delete, "/cluster/config/nodes/{node}", positional: ["node"], output: .quiet),
        CLICommand("nodes", .get, "/cluster/config/quorum", output: .formatted { state, _, _ in ClusterText.nodes(state) }),
        CLICommand("status", .get, "/cluster/config/quorum", output: .formatted { state, _, _ in ClusterText.status(state) }),
        CLICommand("expected", .post, "/cluster/config/expected", positional: ["expected"], output: .quiet),
        CLICommand("updatecerts", .post, "/cluster/config/updatecerts", output: .task),
        CLICommand("apiver", .get, "/cluster/config/apiversion", output: .text),
        CLICommand("jointoken", .post, "/cluster/config/jointoken", output: .field("token")),
    ])
}
