import FaroAccess
import FaroCluster
import FaroModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Decides whether a websocket upgrade may open a console: the request must be `GET
/// /api2/json/nodes/<this node>/{qemu|lxc}/<vmid>/vncwebsocket?port=&vncticket=` (or
/// `/nodes/<this node>/vncwebsocket` for the node's shell) from an authenticated caller with
/// `VM.Console` on the guest (`Sys.Console` on the node), whose console ticket matches the
/// caller, the guest (node) and the port, for a console of the route's kind that `vncproxy`
/// or `termproxy` prepared and nobody has claimed yet. The same route for another node of the
/// cluster is checked here the same way, then bridged to that node, which claims the console.
/// Everything else is not upgraded and gets the normal API answer.
public struct ConsoleGateway: Sendable {
    let nodeName: String
    let consoles: ConsoleSessions
    let access: AccessService
    let authenticator: any Authenticator
    let authorizer: any Authorizer
    let cluster: ClusterForwarding?

    public init(services: NodeServices, authenticator: any Authenticator, cluster: ClusterForwarding? = nil) {
        nodeName = services.nodeName
        consoles = services.consoles
        access = services.access
        self.authenticator = authenticator
        authorizer = services.authorizer
        self.cluster = cluster
    }

    /// Where an admitted console websocket goes.
    public enum Route: Sendable {
        /// A console of this node.
        case local(ConsoleSessions.Console)
        /// A console of another node: the same request goes there through `forwarder`.
        case remote(ClusterNode, forwarder: NodeForwarder)
    }

    /// What a websocket route opens.
    struct Target: Equatable {
        /// The node the path names.
        let node: String
        /// The ACL path of the guest or node.
        let path: String
        let privilege: String
        /// termproxy's terminal rather than a VM's VNC screen.
        let terminal: Bool
    }

    /// The console to bridge, or nil to answer the request as a plain API call.
    public func route(for head: HTTPRequest, channel: (any Channel)?) async -> Route? {
        guard head.method == .get, let target = Self.target(head.path ?? "") else { return nil }
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let query = request.uri.queryParameters
        guard let port = query["port"].flatMap({ Int(String($0)) }), let ticket = query["vncticket"].map(String.init),
            case .authenticated(let identity) = await authenticator.authenticate(request, channel: channel),
            await authorizer.has(identity, target.privilege, on: target.path),
            await access.verifyConsoleTicket(ticket, for: identity.user, path: target.path, port: port)
        else { return nil }
        if target.node == nodeName || target.node == "localhost" {
            return await consoles.claim(port: port, path: target.path, user: identity.user, terminal: target.terminal).map(Route.local)
        }
        let forwarded = head.headerFields[HTTPField.Name("PVEDisableProxy")!] != nil
        guard let cluster,
            let remote = try? await ClusterForwarding.target(target.node, localNode: nodeName, alreadyForwarded: forwarded, cluster: cluster)
        else { return nil }
        return .remote(remote, forwarder: cluster.forwarder)
    }

    /// termproxy's first line: the console's own user with a ticket for it.
    public func authenticates(_ console: ConsoleSessions.Console, user: String, ticket: String) async -> Bool {
        guard user == console.user.description else { return false }
        return await access.verifyConsoleTicket(ticket, for: console.user, path: console.path, port: console.port)
    }

    /// The bridge is up; `close` ends it if the console task is aborted.
    public func connected(_ console: ConsoleSessions.Console, close: @escaping @Sendable () -> Void) async {
        await consoles.onClose(port: console.port, close)
    }

    public func disconnected(_ console: ConsoleSessions.Console) async {
        await consoles.disconnected(port: console.port)
    }

    /// The console a websocket path asks for: `/api2/json/nodes/<node>/qemu/<vmid>/vncwebsocket`
    /// (VNC), `.../lxc/<vmid>/vncwebsocket` or `/api2/json/nodes/<node>/vncwebsocket` (terminals).
    static func target(_ path: String) -> Target? {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "", parts[1] == "api2", parts[2] == "json", parts[3] == "nodes",
            NodeName.isValid(String(parts[4])) || parts[4] == "localhost", parts.last == "vncwebsocket"
        else { return nil }
        let node = String(parts[4])
        if parts.count == 6 { return Target(node: node, path: "/nodes/\(node)", privilege: "Sys.Console", terminal: true) }
        guard parts.count == 8, parts[5] == "qemu" || parts[5] == "lxc", let vmid = VMID(String(parts[6])) else { return nil }
        return Target(node: node, path: "/vms/\(vmid)", privilege: "VM.Console", terminal: parts[5] == "lxc")
    }
}
