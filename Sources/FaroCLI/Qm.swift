import FaroAPISpec

/// `qm`: VMs on the local node, with Proxmox's subcommands and argument shapes. Commands
/// that start a task wait for it and print its log.
public enum Qm {
    static let vm = "/nodes/{node}/qemu/{vmid}"
    static let local: [String: JSONValue] = ["node": "localhost"]

    public static let tool = CommandTableTool(name: "qm", commands: [
        CLICommand("list", .get, "/nodes/{node}/qemu", fixed: local,
            output: .formatted { vms, _, _ in GuestText.qmList(vms) }),
        CLICommand("create", .post, "/nodes/{node}/qemu", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("set", .post, vm + "/config", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("config", .get, vm + "/config", positional: ["vmid"], fixed: local,
            output: .formatted { config, _, _ in GuestText.config(config) }),
        CLICommand("pending", .get, vm + "/pending", positional: ["vmid"], fixed: local,
            output: .formatted { pending, _, _ in GuestText.pending(pending) }),
        CLICommand("start", .post, vm + "/status/start", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("stop", .post, vm + "/status/stop", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("shutdown", .post, vm + "/status/shutdown", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("reboot", .post, vm + "/status/reboot", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("reset", .post, vm + "/status/reset", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("suspend", .post, vm + "/status/suspend", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("resume", .post, vm + "/status/resume", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("status", .get, vm + "/status/current", positional: ["vmid"], fixed: local,
            output: .formatted { status, options, _ in
                // Proxmox's local status does not measure `cpu` and leaves it out.
                GuestText.status(status, verbose: Printf.isTrue(options["verbose"]), skipping: ["cpu", "relcpu"])
            }, extraOptions: GuestText.verboseOption, prepare: GuestText.dropVerbose),
        CLICommand("showcmd", .get, vm + "/showcmd", positional: ["vmid"], fixed: local, output: .text),
        CLICommand("snapshot", .post, vm + "/snapshot", positional: ["vmid", "snapname"], fixed: local, output: .task),
        CLICommand("listsnapshot", .get, vm + "/snapshot", positional: ["vmid"], fixed: local,
            output: .formatted { snapshots, _, _ in SnapshotTree.render(snapshots) }),
        CLICommand("rollback", .post, vm + "/snapshot/{snapname}/rollback", positional: ["vmid", "snapname"], fixed: local,
            output: .task),
        CLICommand("delsnapshot", .delete, vm + "/snapshot/{snapname}", positional: ["vmid", "snapname"], fixed: local,
            output: .task),
        CLICommand("resize", .put, vm + "/resize", positional: ["vmid", "disk", "size"], fixed: local, output: .task),
        CLICommand("destroy", .delete, vm, positional: ["vmid"], fixed: local, output: .task),
        CLICommand("guest cmd", .post, vm + "/agent", positional: ["vmid", "command"], fixed: local,
            output: .formatted { result, _, _ in PerlJSON.agentResult(result) }),
        CLICommand("guest exec-status", .get, vm + "/agent/exec-status", positional: ["vmid", "pid"], fixed: local,
            output: .formatted { result, _, _ in PerlJSON.agentResult(result) }),
        CLICommand("cloudinit dump", .get, vm + "/cloudinit/dump", positional: ["vmid", "type"], fixed: local, output: .text),
        CLICommand("cloudinit pending", .get, vm + "/cloudinit", positional: ["vmid"], fixed: local,
            output: .formatted { pending, _, _ in GuestText.pending(pending) }),
        CLICommand("cloudinit update", .put, vm + "/cloudinit", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("sendkey", .put, vm + "/sendkey", positional: ["vmid", "key"], fixed: local, output: .quiet),
        CLICommand("clone", .post, vm + "/clone", positional: ["vmid", "newid"], fixed: local, output: .task),
        CLICommand("template", .post, vm + "/template", positional: ["vmid"], fixed: local, output: .task),
        CLICommand("move-disk", .post, vm + "/move_disk", positional: ["vmid", "disk", "storage"], fixed: local, output: .task,
            optionalPositional: ["storage"]),
        CLICommand("move_disk", .post, vm + "/move_disk", positional: ["vmid", "disk", "storage"], fixed: local, output: .task,
            optionalPositional: ["storage"]),
        CLICommand("disk move", .post, vm + "/move_disk", positional: ["vmid", "disk", "storage"], fixed: local, output: .task,
            optionalPositional: ["storage"]),
        CLICommand("disk import", .post, vm + "/importdisk", positional: ["vmid", "source", "storage"], fixed: local, output: .task),
        CLICommand("importdisk", .post, vm + "/importdisk", positional: ["vmid", "source", "storage"], fixed: local, output: .task),
        CLICommand("unlink", .put, vm + "/unlink", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("disk unlink", .put, vm + "/unlink", positional: ["vmid"], fixed: local, output: .quiet),
        CLICommand("unlock", .put, vm + "/config", positional: ["vmid"], fixed: ["node": "localhost", "delete": "lock", "skiplock": "1"],
            output: .quiet),
    ])

    /// The interactive subcommands first, then the command table.
    public static func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        switch arguments.first {
        case "monitor": return await monitor(Array(arguments.dropFirst()), environment: environment)
        case "terminal": return await terminal(Array(arguments.dropFirst()), environment: environment)
        case nil, "help", "--help":
            let footer = "\nqm <COMMAND> --help"
            let extra = "  qm monitor <vmid>\n  qm terminal <vmid> [--iface <serialN>] [--escape <^X>]\n"
            environment.standardOutput(tool.help().replacing(footer, with: extra + footer))
            return 0
        default: return await tool.run(arguments, environment: environment)
        }
    }
}

import FaroModel
