import FaroModel
import FaroQemu
import FaroSupport

extension Handlers {
    static func registerQemuConsole(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        table.on(.post, "/nodes/{node}/qemu/{vmid}/vncproxy") { request in
            let id = vmid(request)
            _ = try await vms.read(id)
            guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
            let user = request.identity.user
            let socket = vms.runtime.vncSocket(id)
            guard let console = await services.consoles.open(vmid: id, user: user, socketPath: socket) else {
                throw APIError.failed("unable to find free port (\(ConsoleSessions.ports))")
            }
            do {
                let password = ConsolePassword.generate()
                try await vms.runtime.withMonitor(id) { client in
                    try await client.execute("set_password", arguments: ["protocol": "vnc", "password": .string(password)])
                    try await client.execute("expire_password", arguments: ["protocol": "vnc", "time": "+40"])
                }
                let ticket = try await services.access.consoleTicket(for: user, path: "/vms/\(id)", port: console.port)
                let certificate = (try? FileIO.readText(services.paths.sslCertificate)) ?? ""
                let upid = try await services.tasks.start(type: "vncproxy", id: "\(id)", user: user.description) { log in
                    log.log("console for VM \(id) on port \(console.port)")
                    try await services.consoles.follow(port: console.port)
                }
                return .json([
                    "user": .string(user.description), "ticket": .string(ticket), "cert": .string(certificate),
                    "port": .int(console.port), "upid": .string(upid.description), "password": .string(password),
                ])
            } catch {
                await services.consoles.remove(port: console.port)
                throw error
            }
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/vncwebsocket") { _ in
            throw APIError(status: 400, "vncwebsocket needs a websocket upgrade (Connection: Upgrade, Upgrade: websocket)")
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
