import NIOCore

/// Sits after a line decoder: hands the first line (the greeting) to a promise and every later
/// line to the client's stream; finishes both when the socket closes.
final class QMPLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var greeting: EventLoopPromise<String>?
    private let lines: AsyncStream<String>.Continuation
    private let socket: String

    init(greeting: EventLoopPromise<String>, lines: AsyncStream<String>.Continuation, socket: String) {
        self.greeting = greeting
        self.lines = lines
        self.socket = socket
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = String(buffer: unwrapInboundIn(data))
        if let greeting {
            self.greeting = nil
            greeting.succeed(line)
        } else {
            lines.yield(line)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        greeting?.fail(QMPError.connectionClosed(socket: socket, command: nil))
        greeting = nil
        lines.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read error means the monitor is unusable; closing leads to channelInactive.
        context.close(promise: nil)
    }
}
