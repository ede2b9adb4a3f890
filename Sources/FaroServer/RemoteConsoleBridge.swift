import FaroCluster
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Bridges a console websocket for another node's console to that node: the same request
/// (path, query with the console ticket, the caller's cookie or token, `PVEDisableProxy` so
/// the node never forwards it again) goes to its daemon over the pinned connection, and whole
/// messages are copied both ways until either side ends.
struct RemoteConsoleBridge {
    let node: ClusterNode
    let forwarder: NodeForwarder
    let request: HTTPRequest
    let clientAddress: String?

    /// What a console message may hold: a VNC frame update or a large paste.
    static let maxMessageSize = 1 << 24

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        var headers = HTTPHeaders()
        for name in [HTTPField.Name.cookie, .authorization, .secWebSocketProtocol] {
            for value in request.headerFields[values: name] { headers.add(name: name.rawName, value: value) }
        }
        headers.add(name: "Host", value: "\(node.address):\(node.port)")
        headers.add(name: "PVEDisableProxy", value: "true")
        if let clientAddress { headers.add(name: "PVEClientIP", value: clientAddress) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.path ?? "/", headers: headers)
        do {
            let remote = try await forwarder.webSocket(head, to: node)
            try await remote.executeThenClose { fromNode, toNode in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.relay(fromNode, to: outbound, replies: toNode) }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
                            try await toNode.write(Self.frame(message))
                        }
                        try await toNode.write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: ByteBuffer()))
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
            try? await outbound.close(.normalClosure, reason: nil)
        } catch {
            logger.warning("console bridge to node \(node.name) ended: \(error)")
            try? await outbound.close(.unexpectedServerError, reason: "node '\(node.name)': \(error)")
        }
    }

    /// The node's messages, reassembled from their frames, go to the caller; pings are answered.
    static func relay(
        _ frames: NIOAsyncChannelInboundStream<WebSocketFrame>, to outbound: WebSocketOutboundWriter,
        replies: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    ) async throws {
        var message = ByteBuffer()
        var opcode = WebSocketOpcode.binary
        for try await frame in frames {
            switch frame.opcode {
            case .text, .binary, .continuation:
                if frame.opcode != .continuation {
                    opcode = frame.opcode
                    message.clear()
                }
                var data = frame.unmaskedData
                message.writeBuffer(&data)
                guard message.readableBytes <= maxMessageSize else { return }
                if frame.fin {
                    try await outbound.write(opcode == .text ? .text(String(buffer: message)) : .binary(message))
                    message = ByteBuffer()
                }
            case .ping:
                try await replies.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
            case .connectionClose:
                return
            default:
                continue
            }
        }
    }

    static func frame(_ message: WebSocketMessage) -> WebSocketFrame {
        switch message {
        case .text(let text): return WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
        case .binary(let data): return WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: data)
        }
    }
}
