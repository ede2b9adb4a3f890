import AsyncAlgorithms
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Another node's answer to a forwarded request: status, headers, and the body as it arrives
/// (the node's connection waits while nobody reads, so nothing piles up in memory).
public struct ForwardedResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: AsyncThrowingChannel<ByteBuffer, any Error>
    let connection: any Channel

    /// For a caller that stops reading (its client went away): ends the body and the
    /// connection to the node, so neither waits for a reader that is gone.
    public func abandon() {
        body.finish()
        connection.close(promise: nil)
    }
}

/// Carries requests to other nodes' daemons over TLS connections pinned to each node's
/// certificate fingerprint (`PinnedChannel`), one connection per request. A connection that
/// is silent for 30 s is closed, as Proxmox's proxy times out.
public struct NodeForwarder: Sendable {
    let timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(30)) {
        self.timeout = timeout
    }

    /// Sends `head` (with `body`, passed on as it streams in) to `node` and returns once the
    /// node's response head arrived; the body follows in `ForwardedResponse.body`.
    public func send<Body: AsyncSequence & Sendable>(
        _ head: HTTPRequestHead, body: Body?, to node: ClusterNode
    ) async throws -> ForwardedResponse where Body.Element == ByteBuffer {
        var head = head
        head.headers.replaceOrAdd(name: "Host", value: node.address.contains(":") ? "[\(node.address)]:\(node.port)" : "\(node.address):\(node.port)")
        let channel = try await PinnedChannel.http(node, idleTimeout: timeout)
        let responseBody = AsyncThrowingChannel<ByteBuffer, any Error>()
        let sentHead = head
        return try await withCheckedThrowingContinuation { (answer: CheckedContinuation<ForwardedResponse, any Error>) in
            Task {
                var answered = false
                do {
                    try await channel.executeThenClose { inbound, outbound in
                        try await outbound.write(.head(sentHead))
                        if let body {
                            for try await chunk in body { try await outbound.write(.body(.byteBuffer(chunk))) }
                        }
                        try await outbound.write(.end(nil))
                        var parts = inbound.makeAsyncIterator()
                        guard case .head(let responseHead) = try await parts.next() else {
                            throw ClusterError.nodeUnreachable(node: node.name, reason: "the connection closed without an answer")
                        }
                        answer.resume(
                            returning: ForwardedResponse(
                                status: Int(responseHead.status.code), headers: responseHead.headers, body: responseBody,
                                connection: channel.channel))
                        answered = true
                        while let part = try await parts.next() {
                            switch part {
                            case .body(let chunk): await responseBody.send(chunk)
                            case .end: return
                            case .head: continue
                            }
                        }
                        throw ClusterError.nodeUnreachable(node: node.name, reason: "the answer ended early")
                    }
                    responseBody.finish()
                } catch {
                    let failure = error as? ClusterError ?? .nodeUnreachable(node: node.name, reason: "\(error)")
                    if answered { responseBody.fail(failure) } else { answer.resume(throwing: failure) }
                }
            }
        }
    }

    /// A websocket to `node`'s daemon for the same console path; frames the caller writes
    /// must be masked (client side of the protocol).
    public func webSocket(_ head: HTTPRequestHead, to node: ClusterNode) async throws -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        try await PinnedChannel.webSocket(node, head: head, idleTimeout: timeout)
    }
}
