import FaroAPISpec
import FaroModel
import FaroSupport
import Foundation

/// `pct`: containers, with Proxmox's subcommands and argument shapes. Lifecycle commands wait
/// for their task, as Proxmox's do; `pct exec` runs `lxc-attach` on this node directly.
public enum Pct {
    static let local: [String: JSONValue] = ["node": "localhost"]
    static let ct = "/nodes/{node}/lxc/{vmid}"

    public static let tool = CommandTableTool(name: "pct", commands: [
        CLICommand("list", .get, "/nodes/{node}/lxc", fixed: local, output: .columns(["vmid", "status", "lock", "name"])),
        CLICommand("create", .post, "/nodes/{node}/lxc", positional: ["vmid", "ostemplate"], fixed: local, output: .task),
        CLICommand("set", .put, ct + "/config", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("config", .get, ct + "/config", positional: ["vmid"], fixed: local, output: .keyValues),
        CLICommand("start", .post, ct + "/status/start", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("stop", .post, ct + "/status/stop", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("shutdown", .post, ct + "/status/shutdown", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("reboot", .post, ct + "/status/reboot", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("status", .get, ct + "/status/current", positional: ["vmid"], fixed: local, output: .labelled("status")),
        CLICommand("destroy", .delete, ct, positional: ["vmid"], fixed: local, output: .task),
    ])

    /// `pct exec <vmid> [--] <command...>` replaces this process with `lxc-attach`, so the
    /// command gets the terminal; everything else goes through the API.
    public static func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        if arguments.isEmpty || arguments == ["help"] || arguments == ["--help"] {
            let footer = "\npct <COMMAND> --help"
            environment.standardOutput(tool.help().replacing(footer, with: "  pct exec <vmid> [--] <command> [ARGS...]\n" + footer))
            return 0
        }
        guard arguments.first == "exec" else { return await tool.run(arguments, environment: environment) }
        var rest = Array(arguments.dropFirst())
        guard let first = rest.first, let vmid = VMID(first) else {
            environment.standardError("USAGE: pct exec <vmid> [--] <command> [ARGS...]\n")
            return 2
        }
        rest.removeFirst()
        if rest.first == "--" { rest.removeFirst() }
        guard !rest.isEmpty else {
            environment.standardError("missing command\n")
            return 2
        }
        let argv = execArgv(vmid: vmid, command: rest, paths: NodePaths(root: environment.root))
        let cArguments = argv.map { strdup($0) } + [nil]
        execvp(argv[0], cArguments)
        environment.standardError("unable to run lxc-attach: \(String(cString: strerror(errno)))\n")
        return 255
    }

    static func execArgv(vmid: VMID, command: [String], paths: NodePaths) -> [String] {
        ["lxc-attach", "-P", paths.lxcPath, "-n", "\(vmid)", "--clear-env", "--"] + command
    }
}
