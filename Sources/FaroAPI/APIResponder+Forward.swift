import FaroCluster
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// How this node reaches the others: the directory that names them and the forwarder that
/// carries requests to them.
public struct ClusterForwarding: Sendable {
    public let directory: any ClusterDirectory
    public let forwarder: NodeForwarder

    public init(directory: any ClusterDirectory, forwarder: NodeForwarder) {
        self.directory = directory
        self.forwarder = forwarder
    }

    /// The node a request for `name` must go to, or nil when `localNode` answers it itself.
    /// A request that was already forwarded (`PVEDisableProxy`) is never forwarded again.
    public static func target(
        _ name: String, localNode: String, alreadyForwarded: Bool, cluster: ClusterForwarding?
    ) async throws -> ClusterNode? {
        guard name != localNode, name != "localhost" else { return nil }
        if alreadyForwarded { throw APIError.failed("proxy loop detected") }
        guard let node = await cluster?.directory.node(named: name) else { throw APIError.failed("no such cluster node '\(name)'") }
        return node
    }
}

extension APIResponder {
    static let disableProxyField = HTTPField.Name("PVEDisableProxy")!
    static let clientIPField = HTTPField.Name("PVEClientIP")!
    /// The caller's credentials and what describes the body travel with a forwarded request.
    static let forwardedFields: [HTTPField.Name] = [
        .cookie, .authorization, HTTPField.Name("CSRFPreventionToken")!, .contentType, .contentLength, .acceptEncoding,
    ]
    /// Response headers that belong to one connection and are not passed on.
    static let hopByHopHeaders: Set<String> = ["connection", "keep-alive", "transfer-encoding", "upgrade", "date", "server"]

    /// The node `request` must be forwarded to, or nil when this node answers it.
    func forwardingTarget(_ node: String, request: Request) async throws -> ClusterNode? {
        try await ClusterForwarding.target(
            node, localNode: settings.localNode, alreadyForwarded: request.headers[Self.disableProxyField] != nil,
            cluster: settings.cluster)
    }

    /// Sends `request` to `node` (same method and URI, the caller's cookie, token and CSRF
    /// header, `PVEDisableProxy: true` against loops and `PVEClientIP`, the body as it streams
    /// in) and answers with the node's status, reason phrase, headers and body as they come.
    func forward(_ request: Request, to node: ClusterNode, context: Context) async throws -> Response {
        guard let cluster = settings.cluster else { throw APIError.failed("no such cluster node '\(node.name)'") }
        var headers = HTTPHeaders()
        for name in Self.forwardedFields {
            for value in request.headers[values: name] { headers.add(name: name.rawName, value: value) }
        }
        headers.add(name: Self.disableProxyField.rawName, value: "true")
        if let address = context.channel?.remoteAddress?.ipAddress { headers.add(name: Self.clientIPField.rawName, value: address) }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: request.uri.description, headers: headers)
        let answer = try await cluster.forwarder.send(head, body: request.body, to: node)
        var fields = HTTPFields()
        for header in answer.headers where !Self.hopByHopHeaders.contains(header.name.lowercased()) {
            guard let name = HTTPField.Name(header.name) else { continue }
            if name == ResponseWriter.forwardedReasonField {
                fields[ResponseWriter.reasonField] = header.value
            } else {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        let body = ResponseBody { writer in
            do {
                for try await chunk in answer.body { try await writer.write(chunk) }
                try await writer.finish(nil)
            } catch {
                answer.abandon()
                throw error
            }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: body)
    }
}
