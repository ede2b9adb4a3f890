import FaroSchema

/// The guest agent endpoints (`.../agent/...`) and the human monitor (`.../monitor`).
extension APISpec {
    /// Agent commands without parameters that only read: the GET endpoints.
    public static let agentReadCommands = [
        "get-fsinfo", "get-host-name", "get-memory-block-info", "get-memory-blocks", "get-osinfo", "get-time", "get-timezone",
        "get-users", "get-vcpus", "info", "network-get-interfaces",
    ]
    /// Agent commands without parameters sent with POST.
    public static let agentPostCommands = ["fsfreeze-freeze", "fsfreeze-status", "fsfreeze-thaw", "fstrim", "ping"]
    /// Agent commands that end or suspend the guest: the agent does not answer them when they work.
    public static let agentPowerCommands = ["shutdown", "suspend-disk", "suspend-hybrid", "suspend-ram"]

    /// The most `file-read` returns, as Proxmox: 16 MiB.
    public static let agentFileReadLimit = 16 * 1024 * 1024

    static func agentPrivileges(_ command: String) -> [String] {
        switch command {
        case "fsfreeze-freeze", "fsfreeze-thaw", "fstrim": return ["VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.Unrestricted"]
        case _ where agentPowerCommands.contains(command): return ["VM.PowerMgmt", "VM.GuestAgent.Unrestricted"]
        default: return ["VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted"]
        }
    }

    static var qemuAgentMethods: [APIMethod] {
        let base = "/nodes/{node}/qemu/{vmid}/agent"
        let result = Schema.object(["result": Schema.object([:]).allowingAdditional()]).allowingAdditional()
            .with { $0.description = "Returns an object with a single `result` property." }
        func simple(_ verb: HTTPVerb, _ command: String) -> APIMethod {
            APIMethod(
                verb, base + "/" + command, name: command, description: "Run the guest agent command '\(command)'.",
                parameters: .object(vmParameters), returns: result,
                permissions: .check(.privileges(path: vmidPath, agentPrivileges(command), any: true)),
                protected: true, proxyTo: "node")
        }
        let all = (agentReadCommands + agentPostCommands + agentPowerCommands).sorted()
        return [
            APIMethod(
                .get, base, name: "agent_index", description: "The guest agent commands.",
                parameters: .object(vmParameters), returns: .index(link: "{name}"), permissions: .anyUser(filter: nil), proxyTo: "node"),
            APIMethod(
                .post, base, name: "agent", description: "Run a guest agent command.",
                parameters: Schema.object(vmParameters.merging(["command": Schema.enumeration(all, "The QGA command.")]) { _, new in new }),
                returns: result,
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.Unrestricted"])), protected: true, proxyTo: "node"),
            APIMethod(
                .post, base + "/exec", name: "exec", description: "Start a command in the guest through the agent.",
                parameters: Schema.object(vmParameters.merging([
                    "command": Schema.array(of: .string("A single part of the program + arguments."),
                                            "The command as a list of program + arguments."),
                    "input-data": Schema.string("Data for the command's standard input.", maxLength: 65536).optional(),
                ]) { _, new in new }),
                returns: Schema.object(["pid": .integer("The PID of the process started by the guest agent.")]),
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.Unrestricted"])), protected: true, proxyTo: "node"),
            APIMethod(
                .get, base + "/exec-status", name: "exec-status", description: "The state of a command started with `exec`.",
                parameters: Schema.object(vmParameters.merging(["pid": .integer("The PID to query.")]) { _, new in new }),
                returns: Schema.object([
                    "exited": .boolean("Whether the command has ended."),
                    "exitcode": Common.field(.integer(), "Its exit code, when it ended normally."),
                    "signal": Common.field(.integer(), "The signal that ended it."),
                    "out-data": Common.field(.string(), "Its standard output."),
                    "err-data": Common.field(.string(), "Its standard error."),
                    "out-truncated": Common.field(.boolean(), "Whether the output was cut short."),
                    "err-truncated": Common.field(.boolean(), "Whether the error output was cut short."),
                ]),
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.Unrestricted"])), protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/monitor", name: "monitor",
                description: "Run a human monitor command. `info` and `help` need Sys.Audit, most others Sys.Modify, "
                    + "commands that reach the host (device_add, migrate, ...) root.",
                parameters: Schema.object(vmParameters.merging(["command": .string("The monitor command.")]) { _, new in new }),
                returns: .string("The monitor's output."),
                permissions: .check(.privileges(path: vmidPath, ["Sys.Audit", "Sys.Modify"], any: true)), protected: true, proxyTo: "node"),
            APIMethod(
                .get, base + "/file-read", name: "file-read", description: "Read a file in the guest through the agent, at most 16 MiB.",
                parameters: Schema.object(vmParameters.merging([
                    "file": .string("The path to the file."),
                    "count": Schema.integer("Number of bytes to read.", minimum: 1, maximum: agentFileReadLimit)
                        .optional().defaulting(.int(agentFileReadLimit)),
                    "offset": Schema.integer("Offset to start reading at.", minimum: 0).optional().defaulting(0),
                    "decode": Schema.boolean("Decode the agent's base64 data; with 0 it is passed on base64-encoded.")
                        .optional().defaulting(true),
                ]) { _, new in new }),
                returns: Schema.object([
                    "content": .string("The content of the file, at most 16777216 bytes."),
                    "truncated": Common.field(.boolean(), "1 when the read did not reach the end of the file."),
                ]).with { $0.description = "Returns an object with a `content` property." },
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.FileRead", "VM.GuestAgent.Unrestricted"], any: true)),
                protected: true, proxyTo: "node"),
            APIMethod(
                .post, base + "/file-write", name: "file-write", description: "Write a file in the guest through the agent.",
                parameters: Schema.object(vmParameters.merging([
                    "file": .string("The path to the file."),
                    "content": Schema.string("The content to write into the file.").length(max: 61440),
                    "encode": Schema.boolean("Encode the content as base64 (what the agent takes); with 0 it must be base64 already.")
                        .optional().defaulting(true),
                ]) { _, new in new }),
                returns: .null,
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.FileWrite", "VM.GuestAgent.Unrestricted"], any: true)),
                protected: true, proxyTo: "node"),
            APIMethod(
                .post, base + "/set-user-password", name: "set-user-password", description: "Set a guest user's password through the agent.",
                parameters: Schema.object(vmParameters.merging([
                    "username": .string("The user to set the password for."),
                    "password": Schema.string("The new password.").length(min: 5, max: 1024),
                    "crypted": Schema.boolean("1 when the password has already been passed through crypt().").optional().defaulting(false),
                ]) { _, new in new }),
                returns: result,
                permissions: .check(.privileges(path: vmidPath, ["VM.GuestAgent.Unrestricted"])), protected: true, proxyTo: "node"),
        ] + agentReadCommands.map { simple(.get, $0) } + (agentPostCommands + agentPowerCommands).map { simple(.post, $0) }
    }
}
