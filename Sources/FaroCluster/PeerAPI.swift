import AsyncAlgorithms
import FaroModel
import NIOCore
import NIOHTTP1

/// Calls to another node's API during a join, over TLS pinned to the fingerprint the admin
/// gave (`NodeForwarder`): log in as root@pam, read the join API version, ask to be added.
public struct PeerAPI: Sendable {
    public let node: ClusterNode
    let forwarder: NodeForwarder
    var ticket: String?
    var csrf: String?

    public init(node: ClusterNode, forwarder: NodeForwarder = NodeForwarder()) {
        self.node = node
        self.forwarder = forwarder
    }

    /// Logs in as `user` with `password`; later calls carry the ticket.
    public mutating func login(user: String, password: String) async throws {
        let data = try await call(.POST, "/access/ticket", ["username": .string(user), "password": .string(password)])
        guard let ticket = data["ticket"]?.stringValue, let csrf = data["CSRFPreventionToken"]?.stringValue else {
            throw ClusterError.peer(node: node.name, status: 500, message: "no ticket in the login answer")
        }
        self.ticket = ticket
        self.csrf = csrf
    }

    /// One API call with a JSON body; returns `data` or throws the node's status and message.
    public func call(_ method: HTTPMethod, _ path: String, _ parameters: [String: JSONValue] = [:]) async throws -> JSONValue {
        let hasBody = method == .POST || method == .PUT
        precondition(hasBody || parameters.isEmpty, "only POST and PUT carry parameters here")
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: "/api2/json" + path)
        if hasBody { head.headers.add(name: "Content-Type", value: "application/json") }
        head.headers.add(name: "Connection", value: "close")
        // Asks the node to put its reason phrase in a header, which NIO's client keeps.
        head.headers.add(name: "PVEDisableProxy", value: "true")
        if let ticket { head.headers.add(name: "Cookie", value: "PVEAuthCookie=\(ticket)") }
        if let csrf { head.headers.add(name: "CSRFPreventionToken", value: csrf) }
        let body = hasBody ? JSONWriter.bytes(.object(parameters)) : []
        head.headers.add(name: "Content-Length", value: String(body.count))
        let response = try await forwarder.send(head, body: hasBody ? [ByteBuffer(bytes: body)].async : nil, to: node)
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            bytes += chunk.readableBytesView
            guard bytes.count < 16 << 20 else { response.abandon(); break }
        }
        let json = (try? JSONParser.parse(bytes)) ?? .null
        guard (200..<300).contains(response.status) else {
            let reason = response.headers.first(name: "x-faro-forwarded-reason") ?? json["message"]?.stringValue ?? ""
            throw ClusterError.peer(node: node.name, status: response.status, message: reason)
        }
        return json["data"] ?? .null
    }
}
