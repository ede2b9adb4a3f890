import FaroAPISpec
import FaroModel
import FaroQemu
import Foundation

/// `.../agent/...` (through the guest agent socket) and `.../monitor` (the human monitor
/// through QMP `human-monitor-command`).
extension Handlers {
    static func registerQemuAgent(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        let base = "/nodes/{node}/qemu/{vmid}/agent"
        @Sendable func wrapped(_ request: APIRequest, _ command: String) async throws -> APIResult {
            .json(.object(["result": try await vms.agentCommand(vmid(request), "guest-" + command)]))
        }
        table.on(.get, base) { request in
            _ = try await vms.read(vmid(request))
            let names = (APISpec.agentReadCommands + APISpec.agentPostCommands + APISpec.agentPowerCommands
                + ["exec", "exec-status", "file-read", "file-write", "set-user-password"]).sorted()
            return .json(.array(names.map { .object(["name": .string($0)]) }))
        }
        table.on(.post, base) { request in
            let command = request.required("command")
            if APISpec.agentPowerCommands.contains(command) {
                return .json(.object(["result": try await vms.agentPowerCommand(vmid(request), command)]))
            }
            return try await wrapped(request, command)
        }
        for command in APISpec.agentReadCommands {
            table.on(.get, base + "/" + command) { request in try await wrapped(request, command) }
        }
        for command in APISpec.agentPostCommands {
            table.on(.post, base + "/" + command) { request in try await wrapped(request, command) }
        }
        for command in APISpec.agentPowerCommands {
            table.on(.post, base + "/" + command) { request in
                .json(.object(["result": try await vms.agentPowerCommand(vmid(request), command)]))
            }
        }
        table.on(.get, base + "/file-read") { request in
            let count = request.int("count") ?? APISpec.agentFileReadLimit
            let (bytes, truncated) = try await vms.agentReadFile(
                vmid(request), path: request.required("file"), offset: request.int("offset") ?? 0, count: count)
            // Proxmox decodes to text by default; with decode=0 the agent's base64 is passed on.
            let content = request.bool("decode") == false
                ? Data(bytes).base64EncodedString() : String(decoding: bytes, as: UTF8.self)
            var answer: [String: JSONValue] = ["content": .string(content)]
            if truncated { answer["truncated"] = 1 }
            return .json(.object(answer))
        }
        table.on(.post, base + "/file-write") { request in
            let content = request.required("content")
            let encoded: String
            if request.bool("encode") == false {
                guard Data(base64Encoded: content) != nil else {
                    throw APIError.parameter("content", "not valid base64 (encode=0 expects base64-encoded content)")
                }
                encoded = content
            } else {
                encoded = Data(content.utf8).base64EncodedString()
            }
            try await vms.agentWriteFile(vmid(request), path: request.required("file"), base64: encoded)
            return .null
        }
        table.on(.post, base + "/set-user-password") { request in
            let arguments: [String: JSONValue] = [
                "username": .string(request.required("username")),
                "password": .string(Data(request.required("password").utf8).base64EncodedString()),
                "crypted": .bool(request.bool("crypted") == true),
            ]
            return .json(.object(["result": try await vms.agentCommand(vmid(request), "guest-set-user-password", arguments: arguments)]))
        }
        table.on(.post, base + "/exec") { request in
            let words = request.parameters["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let program = words.first else { throw APIError.parameter("command", "no command given") }
            var arguments: [String: JSONValue] = [
                "path": .string(program), "arg": .array(words.dropFirst().map { .string($0) }), "capture-output": true,
            ]
            if let input = request.string("input-data") { arguments["input-data"] = .string(Data(input.utf8).base64EncodedString()) }
            return .json(try await vms.agentCommand(vmid(request), "guest-exec", arguments: arguments))
        }
        table.on(.get, base + "/exec-status") { request in
            let pid = request.int("pid") ?? 0
            let reply = try await vms.agentCommand(vmid(request), "guest-exec-status", arguments: ["pid": .int(pid)])
            return .json(decodedExecStatus(reply))
        }
        table.on(.post, "/nodes/{node}/qemu/{vmid}/monitor") { request in
            let id = try vmid(request), command = request.required("command")
            try await requireMonitorPrivilege(request, services, command: command)
            guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
            return .json(.string(try await vms.runtime.withMonitor(id) { try await $0.humanMonitorCommand(command) }))
        }
    }

    /// The agent returns the output base64-encoded; the API gives it as text.
    static func decodedExecStatus(_ reply: JSONValue) -> JSONValue {
        guard case .object(var fields) = reply else { return reply }
        for key in ["out-data", "err-data"] {
            if let encoded = fields[key]?.stringValue, let data = Data(base64Encoded: encoded) {
                fields[key] = .string(String(decoding: data, as: UTF8.self))
            }
        }
        return .object(fields)
    }

    /// Monitor commands that touch the host or the VM's devices are root's.
    static let rootOnlyMonitorCommands: Set<String> = [
        "backup", "block_stream", "change", "chardev-add", "chardev-change", "chardev-remove", "client_migrate_info", "device_add",
        "device_del", "drive_add", "drive_backup", "drive_del", "drive_mirror", "dump-guest-memory", "dumpdtb", "gdbserver",
        "hostfwd_add", "hostfwd_remove", "logfile", "mce", "memsave", "migrate", "migrate_incoming", "migrate_recover",
        "nbd_server_add", "nbd_server_remove", "nbd_server_start", "nbd_server_stop", "netdev_add", "netdev_del", "nmi", "o",
        "object_add", "object_del", "pcie_aer_inject_error", "pmemsave", "qom-set", "screendump", "snapshot_blkdev",
        "watchdog_action", "wavcapture",
    ]

    /// `info` and `help` only read (Sys.Audit, which the method check already ensured when
    /// Sys.Modify is missing); everything else changes the VM (Sys.Modify) or the host (root).
    static func requireMonitorPrivilege(_ request: APIRequest, _ services: NodeServices, command: String) async throws {
        let word = command.split(separator: " ").first.map(String.init) ?? ""
        if ["info", "help", "?"].contains(word) { return }
        if rootOnlyMonitorCommands.contains(word) {
            guard request.identity.isSuperuser else { throw try APIError.permission("/vms/\(vmid(request))", ["root"]) }
            return
        }
        try await requirePrivilege(services, request.identity, "Sys.Modify", on: "/vms/\(vmid(request))")
    }
}
