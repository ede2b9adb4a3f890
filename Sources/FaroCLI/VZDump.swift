import FaroModel

/// `vzdump <vmid>... [--option value]...`: backs guests up through `POST /nodes/{node}/vzdump`
/// and follows the task in the foreground, printing its log, as Proxmox's `vzdump` does.
public enum VZDump {
    static let tool = CommandTableTool(name: "vzdump", commands: [
        CLICommand("", .post, "/nodes/{node}/vzdump", positional: ["vmid"], fixed: ["node": "localhost"], output: .task,
                   optionalPositional: ["vmid"]),
    ])

    /// Leading VMIDs (`vzdump 100 101`) become one `vmid` list.
    public static func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        let vmids = arguments.prefix { Int($0) != nil }
        let rest = Array(arguments.dropFirst(vmids.count))
        return await tool.run(vmids.isEmpty ? rest : [vmids.joined(separator: ",")] + rest, environment: environment)
    }
}
