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
        CLICommand("list", .get, "/nodes/{node}/lxc", fixed: local,
            output: .formatted { cts, _, _ in GuestText.pctList(cts) }),
        CLICommand("create", .post, "/nodes/{node}/lxc", positional: ["vmid", "ostemplate"], fixed: local, output: .task),
        restoreCommand,
        CLICommand("set", .put, ct + "/config", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("config", .get, ct + "/config", positional: ["vmid"], fixed: local,
            output: .formatted { config, _, _ in GuestText.config(config) }),
        CLICommand("start", .post, ct + "/status/start", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("stop", .post, ct + "/status/stop", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("shutdown", .post, ct + "/status/shutdown", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("reboot", .post, ct + "/status/reboot", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("status", .get, ct + "/status/current", positional: ["vmid"], fixed: local,
            output: .formatted { status, options, _ in GuestText.status(status, verbose: Printf.isTrue(options["verbose"])) },
            extraOptions: GuestText.verboseOption, prepare: GuestText.dropVerbose),
        CLICommand("destroy", .delete, ct, positional: ["vmid"], fixed: local, output: .task),
        CLICommand("pending", .get, ct + "/pending", positional: ["vmid"], fixed: local,
            output: .formatted { pending, _, _ in GuestText.pending(pending) }),
        CLICommand("suspend", .post, ct + "/status/suspend", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("resume", .post, ct + "/status/resume", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("snapshot", .post, ct + "/snapshot", positional: ["vmid", "snapname"], fixed: local, output: .task),
        CLICommand("listsnapshot", .get, ct + "/snapshot", positional: ["vmid"], fixed: local,
            output: .formatted { snapshots, _, _ in SnapshotTree.render(snapshots) }),
        CLICommand("rollback", .post, ct + "/snapshot/{snapname}/rollback", positional: ["vmid", "snapname"], fixed: local, output: .task),
        CLICommand("delsnapshot", .delete, ct + "/snapshot/{snapname}", positional: ["vmid", "snapname"], fixed: local, output: .task),
        CLICommand("clone", .post, ct + "/clone", positional: ["vmid", "newid"], fixed: local, output: .task),
        CLICommand("template", .post, ct + "/template", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("resize", .put, ct + "/resize", positional: ["vmid", "disk", "size"], fixed: local, output: .task),
        CLICommand("move-volume", .post, ct + "/move_volume", positional: ["vmid", "volume", "storage"], fixed: local, output: .task,
            optionalPositional: ["storage"]),
        CLICommand("move_volume", .post, ct + "/move_volume", positional: ["vmid", "volume", "storage"], fixed: local, output: .task,
            optionalPositional: ["storage"]),
        CLICommand("mount", .post, ct + "/mount", positional: ["vmid"], fixed: local,
            output: .formatted { path, options, _ in "mounted CT \(Printf.text(options["vmid"])) in '\(path.displayText)'\n" }),
        CLICommand("unmount", .post, ct + "/unmount", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("unlock", .put, ct + "/config", positional: ["vmid"], fixed: ["node": "localhost", "delete": "lock"], output: .quiet),
    ])

    /// `exec`, `enter`, `console`, `push` and `pull` run lxc tools on this node directly;
    /// everything else goes through the API.
    public static func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        if arguments.isEmpty || arguments == ["help"] || arguments == ["--help"] {
            let footer = "\npct <COMMAND> --help"
            environment.standardOutput(tool.help().replacing(footer, with: localUsage + footer))
            return 0
        }
        if let status = await runLocal(arguments[0], Array(arguments.dropFirst()), environment: environment) { return status }
        return await tool.run(arguments, environment: environment)
    }

    static func execArgv(vmid: VMID, command: [String], paths: NodePaths) -> [String] {
        ["lxc-attach", "-P", paths.lxcPath, "-n", "\(vmid)", "--clear-env", "--"] + command
    }
}
