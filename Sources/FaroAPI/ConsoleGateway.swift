import FaroAccess
import FaroModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Decides whether a websocket upgrade may open a console: the request must be `GET
/// /api2/json/nodes/<this node>/qemu/<vmid>/vncwebsocket?port=&vncticket=` from an
/// authenticated caller with `VM.Console` on the VM, whose console ticket matches the caller,
/// the VM and the port, for a console `vncproxy` prepared and nobody has claimed yet.
/// Everything else is not upgraded and gets the normal API answer.
public struct ConsoleGateway: Sendable {
    let nodeName: String
    let consoles: ConsoleSessions
    let access: AccessService
    let authenticator: any Authenticator
    let authorizer: any Authorizer

    public init(services: NodeServices, authenticator: any Authenticator) {
        nodeName = services.nodeName
        consoles = services.consoles
        access = services.access
        self.authenticator = authenticator
        authorizer = services.authorizer
    }

    /// The console to bridge, or nil to answer the request as a plain API call.
    public func console(for head: HTTPRequest, channel: (any Channel)?) async -> ConsoleSessions.Console? {
        guard head.method == .get, let target = Self.target(head.path ?? "", node: nodeName) else { return nil }
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let query = request.uri.queryParameters
        guard let port = query["port"].flatMap({ Int(String($0)) }), let ticket = query["vncticket"].map(String.init),
            case .authenticated(let identity) = await authenticator.authenticate(request, channel: channel),
            await authorizer.has(identity, "VM.Console", on: "/vms/\(target)"),
            await access.verifyConsoleTicket(ticket, for: identity.user, path: "/vms/\(target)", port: port)
        else { return nil }
        return await consoles.claim(port: port, vmid: target, user: identity.user)
    }

    /// The bridge is up; `close` ends it if the console task is aborted.
    public func connected(_ console: ConsoleSessions.Console, close: @escaping @Sendable () -> Void) async {
        await consoles.onClose(port: console.port, close)
    }

    public func disconnected(_ console: ConsoleSessions.Console) async {
        await consoles.disconnected(port: console.port)
    }

    /// The VMID in `/api2/json/nodes/<node>/qemu/<vmid>/vncwebsocket?...`.
    static func target(_ path: String, node: String) -> Int? {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[1] == "api2", parts[2] == "json", parts[3] == "nodes", parts[4] == node,
            parts[5] == "qemu", parts[7] == "vncwebsocket", let vmid = Int(parts[6])
        else { return nil }
        return vmid
    }
}
