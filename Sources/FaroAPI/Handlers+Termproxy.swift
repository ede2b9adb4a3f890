import FaroModel

extension Handlers {
    /// Terminal consoles (`termproxy`): a container's console and the node's shell, each a
    /// program on a pseudo-terminal that starts once its websocket has authenticated.
    static func registerTermproxy(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.post, "/nodes/{node}/lxc/{vmid}/termproxy") { request in
            let id = try vmid(request)
            let argv = try await services.containers.consoleCommand(id)
            return .json(.object(try await openConsole(
                services, request, path: "/vms/\(id)", endpoint: .terminal(argv: argv), task: ("vncproxy", "\(id)"),
                what: "CT \(id)")))
        }
        table.on(.post, "/nodes/{node}/termproxy") { request in
            let argv = try shellCommand(for: request.identity.user, command: request.string("cmd") ?? "login")
            return .json(.object(try await openConsole(
                services, request, path: "/nodes/\(services.nodeName)", endpoint: .terminal(argv: argv), task: ("vncshell", ""),
                what: "node \(services.nodeName)")))
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}/vncwebsocket") { _ in throw needsUpgrade }
        table.on(.get, "/nodes/{node}/vncwebsocket") { _ in throw needsUpgrade }
    }

    /// The node shell's program, as Proxmox chooses it: root@pam is logged in as root at once,
    /// other users of the PAM realm get `login`'s prompt, users of other realms none at all.
    static func shellCommand(for user: UserID, command: String) throws -> [String] {
        guard user.realm == "pam" else { throw APIError(status: 403, "Permission check failed (realm != pam)") }
        if command == "upgrade", !user.isRoot { throw APIError(status: 403, "Permission check failed (user != root@pam)") }
        guard command == "login" else { throw APIError(status: 501, "cmd '\(command)' is not available on this node") }
        return user.isRoot ? ["/bin/login", "-f", "root"] : ["/bin/login"]
    }
}
