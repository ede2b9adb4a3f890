import FaroModel
import FaroQemu
import FaroSupport

extension Handlers {
    static func registerQemuConsole(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        table.on(.put, "/nodes/{node}/qemu/{vmid}/sendkey") { request in
            try await vms.sendKey(vmid(request), key: request.required("key"), skiplock: skiplockParameter(request))
            return .null
        }
        table.on(.post, "/nodes/{node}/qemu/{vmid}/vncproxy") { request in
            let id = try vmid(request)
            _ = try await vms.read(id)
            guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
            let password = ConsolePassword.generate()
            let opened = try await openConsole(
                services, request, path: "/vms/\(id)", endpoint: .vnc(socketPath: vms.runtime.vncSocket(id)),
                task: ("vncproxy", "\(id)"), what: "VM \(id)"
            ) {
                try await vms.runtime.withMonitor(id) { client in
                    try await client.execute("set_password", arguments: ["protocol": "vnc", "password": .string(password)])
                    try await client.execute("expire_password", arguments: ["protocol": "vnc", "time": "+40"])
                }
            }
            let certificate = (try? FileIO.readText(services.paths.sslCertificate)) ?? ""
            return .json(.object(opened.merging(["cert": .string(certificate), "password": .string(password)]) { _, new in new }))
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/vncwebsocket") { _ in throw needsUpgrade }
    }

    static let needsUpgrade = APIError(
        status: 400, "vncwebsocket needs a websocket upgrade (Connection: Upgrade, Upgrade: websocket)")

    /// Reserves a console port for the caller, runs `prepare` (which may set up the other end),
    /// signs the console ticket for the caller, the ACL `path` and the port, and starts the
    /// console task, which lives until the websocket closes (or none comes in 40 s). Returns
    /// Proxmox's `user`, `ticket`, `port` and `upid`.
    static func openConsole(
        _ services: NodeServices, _ request: APIRequest, path: String, endpoint: ConsoleSessions.Console.Endpoint,
        task: (type: String, id: String), what: String, prepare: () async throws -> Void = {}
    ) async throws -> [String: JSONValue] {
        let user = request.identity.user
        guard let console = await services.consoles.open(path: path, user: user, endpoint: endpoint) else {
            throw APIError.failed("unable to find free port (\(ConsoleSessions.ports))")
        }
        do {
            try await prepare()
            let ticket = try await services.access.consoleTicket(for: user, path: path, port: console.port)
            let upid = try await services.tasks.start(type: task.type, id: task.id, user: user.description) { log in
                log.log("console for \(what) on port \(console.port)")
                try await services.consoles.follow(port: console.port)
            }
            return [
                "user": .string(user.description), "ticket": .string(ticket), "port": .int(console.port),
                "upid": .string(upid.description),
            ]
        } catch {
            await services.consoles.remove(port: console.port)
            throw error
        }
    }
}

/// VNC passwords: QEMU's VNC authentication uses at most 8 characters, so a fresh random
/// one of printable ASCII (`!` .. `~`) is set for each console.
enum ConsolePassword {
    static func generate() -> String {
        String((0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7e))) })
    }
}
