@testable import FaroAPI
import FaroAccess
import FaroModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Foundation

/// termproxy's API side: which program a console runs, who may open it, and that a console
/// ticket opens only its own console, for its own user, once.
@Suite struct TermproxyAPITests {
    static let alice = UserID("alice@pve")!
    static let bob = UserID("bob@pve")!

    /// alice may use the console of guest 100 (PVEVMUser there), bob only audits.
    func withNode(_ body: (TestNode) async throws -> Void) async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            config.users["alice@pve"] = UserConfig.User()
            config.users["bob@pve"] = UserConfig.User()
            config.setACL(path: "/vms/100", members: [.user("alice@pve")], roles: ["PVEVMUser"], propagate: true, delete: false)
            config.setACL(path: "/", members: [.user("bob@pve")], roles: ["PVEAuditor"], propagate: true, delete: false)
        }
        try await body(node)
    }

    func gateway(_ node: TestNode, as user: UserID) -> ConsoleGateway {
        ConsoleGateway(services: node.services, authenticator: FixedAuthenticator(Identity(user: user, method: .ticket)))
    }

    static func upgrade(_ path: String, port: Int, ticket: String) -> HTTPRequest {
        let query = "port=\(port)&vncticket=" + (ticket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return HTTPRequest(method: .get, scheme: "https", authority: "localhost", path: "/api2/json/nodes/testnode/\(path)?\(query)")
    }

    @Test func websocketRoutes() {
        #expect(ConsoleGateway.target("/api2/json/nodes/n1/lxc/100/vncwebsocket?port=5900")
            == .init(node: "n1", path: "/vms/100", privilege: "VM.Console", terminal: true))
        #expect(ConsoleGateway.target("/api2/json/nodes/n1/qemu/100/vncwebsocket")
            == .init(node: "n1", path: "/vms/100", privilege: "VM.Console", terminal: false))
        #expect(ConsoleGateway.target("/api2/json/nodes/n2/vncwebsocket?port=5901")
            == .init(node: "n2", path: "/nodes/n2", privilege: "Sys.Console", terminal: true))
        for other in ["/api2/json/nodes/n_2/vncwebsocket", "/api2/json/nodes/n1/lxc/99/vncwebsocket", "/api2/json/nodes/n1/lxc/100/status",
            "/api2/json/nodes/n1/storage/100/vncwebsocket", "/api2/extjs/nodes/n1/vncwebsocket", "/nodes/n1/vncwebsocket"]
        {
            #expect(ConsoleGateway.target(other) == nil, "\(other)")
        }
    }

    @Test func aTicketOpensOnlyItsConsoleForItsUserOnce() async throws {
        try await withNode { node in
            let consoles = node.services.consoles
            let console = try #require(await consoles.open(path: "/vms/100", user: Self.alice, endpoint: .terminal(argv: ["/bin/true"])))
            let other = try #require(await consoles.open(path: "/vms/101", user: Self.alice, endpoint: .terminal(argv: ["/bin/true"])))
            let ticket = try await node.access.consoleTicket(for: Self.alice, path: "/vms/100", port: console.port)
            let alice = gateway(node, as: Self.alice)

            // The ticket of another console, a tampered one, another port, the VNC route, another user.
            let otherTicket = try await node.access.consoleTicket(for: Self.alice, path: "/vms/101", port: other.port)
            #expect(await alice.console(for: Self.upgrade("lxc/100/vncwebsocket", port: console.port, ticket: otherTicket), channel: nil) == nil)
            #expect(await alice.console(for: Self.upgrade("lxc/100/vncwebsocket", port: console.port, ticket: ticket + "x"), channel: nil) == nil)
            #expect(await alice.console(for: Self.upgrade("lxc/100/vncwebsocket", port: other.port, ticket: ticket), channel: nil) == nil)
            #expect(await alice.console(for: Self.upgrade("qemu/100/vncwebsocket", port: console.port, ticket: ticket), channel: nil) == nil)
            #expect(await gateway(node, as: Self.bob).console(
                for: Self.upgrade("lxc/100/vncwebsocket", port: console.port, ticket: ticket), channel: nil) == nil)

            let claimed = await alice.console(for: Self.upgrade("lxc/100/vncwebsocket", port: console.port, ticket: ticket), channel: nil)
            #expect(claimed?.port == console.port && claimed?.path == "/vms/100")
            #expect(await alice.console(for: Self.upgrade("lxc/100/vncwebsocket", port: console.port, ticket: ticket), channel: nil) == nil,
                "a console is claimed once")

            // The websocket's first line must repeat the console's user and ticket.
            #expect(await alice.authenticates(console, user: "alice@pve", ticket: ticket))
            #expect(await !alice.authenticates(console, user: "bob@pve", ticket: ticket))
            #expect(await !alice.authenticates(console, user: "alice@pve", ticket: otherTicket))
            #expect(await !alice.authenticates(other, user: "alice@pve", ticket: ticket))
        }
    }

    @Test func theNodeShellNeedsSysConsoleAndTheTicketOfTheNode() async throws {
        try await withNode { node in
            let console = try #require(await node.services.consoles.open(
                path: "/nodes/testnode", user: Self.alice, endpoint: .terminal(argv: ["/bin/login"])))
            let ticket = try await node.access.consoleTicket(for: Self.alice, path: "/nodes/testnode", port: console.port)
            // alice has VM.Console on /vms/100 only.
            #expect(await gateway(node, as: Self.alice).console(for: Self.upgrade("vncwebsocket", port: console.port, ticket: ticket), channel: nil) == nil)
            let root = gateway(node, as: .root)
            let rootConsole = try #require(await node.services.consoles.open(
                path: "/nodes/testnode", user: .root, endpoint: .terminal(argv: ["/bin/login", "-f", "root"])))
            let rootTicket = try await node.access.consoleTicket(for: .root, path: "/nodes/testnode", port: rootConsole.port)
            #expect(await root.console(for: Self.upgrade("vncwebsocket", port: rootConsole.port, ticket: rootTicket), channel: nil) != nil)
        }
    }

    @Test func shellProgramPerUser() throws {
        #expect(try Handlers.shellCommand(for: .root, command: "login") == ["/bin/login", "-f", "root"])
        #expect(try Handlers.shellCommand(for: UserID("alice@pam")!, command: "login") == ["/bin/login"])
        #expect(try Handlers.shellCommand(for: UserID("root@pam!token")!, command: "login") == ["/bin/login"])
        #expect(throws: APIError(status: 403, "Permission check failed (realm != pam)")) {
            try Handlers.shellCommand(for: Self.alice, command: "login")
        }
        #expect(throws: APIError(status: 403, "Permission check failed (user != root@pam)")) {
            try Handlers.shellCommand(for: UserID("alice@pam")!, command: "upgrade")
        }
        #expect(throws: APIError.self) { try Handlers.shellCommand(for: .root, command: "upgrade") }
    }

    @Test func termproxyCallsAnswerWithATicketAndATask() async throws {
        try await withNode { node in
            try await node.store.create("nodes/testnode/lxc/100.conf", data: Array("hostname: ct\n".utf8))
            try await node.test { client in
                try await client.execute(uri: "/api2/json/nodes/testnode/termproxy", method: .post) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    let data = response.data
                    #expect(data["user"] == "root@pam")
                    #expect(data["port"]?.intValue.map { ConsoleSessions.ports.contains($0) } == true)
                    #expect(data["ticket"]?.stringValue?.hasPrefix("PVEVNC:") == true)
                    #expect(data["upid"]?.stringValue?.contains(":vncshell::root@pam:") == true)
                    if let port = data["port"]?.intValue { await node.services.consoles.remove(port: port) }
                }
                try await client.execute(uri: "/api2/json/nodes/testnode/lxc/100/termproxy", method: .post) { response in
                    #expect(response.status.code == 500)
                    #expect(response.status.reasonPhrase == "CT 100 not running")
                }
                try await client.execute(uri: "/api2/json/nodes/testnode/lxc/199/termproxy", method: .post) { response in
                    #expect(response.status.code == 500)
                }
                try await client.execute(uri: "/api2/json/nodes/testnode/lxc/100/vncwebsocket?port=5900&vncticket=x", method: .get) {
                    #expect($0.status.code == 400)
                }
            }
        }
    }
}

extension ConsoleGateway {
    /// The local console a request opens, or nil.
    func console(for head: HTTPRequest, channel: (any Channel)?) async -> ConsoleSessions.Console? {
        guard case .local(let console) = await route(for: head, channel: channel) else { return nil }
        return console
    }
}
