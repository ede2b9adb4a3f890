import FaroModel
import NIOConcurrencyHelpers
import NIOCore

/// One client connection of a `FakeQMPServer`.
final class FakeQMPConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let greeting: String?
    private let responder: FakeQMPServer.Responder
    private let state: NIOLockedValueBox<FakeQMPServer.State>

    init(greeting: String?, responder: @escaping FakeQMPServer.Responder, state: NIOLockedValueBox<FakeQMPServer.State>) {
        self.greeting = greeting
        self.responder = responder
        self.state = state
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        state.withLockedValue { $0.connections.append(channel) }
        if let greeting { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting + "\r\n")), promise: nil) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let channel = context.channel
        state.withLockedValue { $0.connections.removeAll { $0 === channel } }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = String(buffer: unwrapInboundIn(data))
        guard let message = try? JSONParser.parse(line), let command = message["execute"]?.stringValue else {
            let error = FakeQMPServer.render(.error(class: "GenericError", description: "JSON parse error"), id: nil)!
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: error + "\r\n")), promise: nil)
            return
        }
        let request = FakeQMPServer.Request(command: command, arguments: message["arguments"] ?? .object([:]), id: message["id"])
        state.withLockedValue { $0.requests.append(request) }
        for action in responder(request) {
            guard let reply = FakeQMPServer.render(action, id: request.id) else {
                context.close(promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply + "\r\n")), promise: nil)
        }
    }
}
