import NIOCore
import NIOHTTP1

/// Guards the HTTP/1 decoder's output against clients that never finish a request:
/// - a request head (line and headers) must be complete within `headTimeout` of the
///   connection opening or of the previous response ending, so a client that trickles its
///   headers a byte at a time, or opens a connection and sends nothing, is closed;
/// - a request the decoder cannot parse (garbage, a byte that is not allowed, headers past the
///   decoder's size limit) is answered 400 or 431 and the connection closed at once;
/// - a URI longer than `maxURILength` is answered 414 and closed.
/// Hummingbird would answer a parse error on plain HTTP/1 only by half-closing, and on the
/// websocket-capable listener not at all, so both listeners put this right after the decoder.
final class RequestHeadGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "faro.request-head-guard"

    let headTimeout: TimeAmount
    let maxURILength: Int
    private var deadline: Scheduled<Void>?
    /// A request head arrived and its response has not ended yet.
    private var serving = false
    /// The connection is being closed after a refusal: nothing more goes in or out.
    private var closing = false

    init(headTimeout: TimeAmount = .seconds(10), maxURILength: Int = 16 * 1024) {
        self.headTimeout = headTimeout
        self.maxURILength = maxURILength
    }

    func handlerAdded(context: ChannelHandlerContext) { armDeadline(context) }

    func handlerRemoved(context: ChannelHandlerContext) { cancelDeadline() }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        if case .head(let head) = unwrapInboundIn(data) {
            cancelDeadline()
            guard head.uri.utf8.count <= maxURILength else {
                refuse(context, .uriTooLong)
                return
            }
            serving = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if case .end = unwrapOutboundIn(data) {
            serving = false
            armDeadline(context)
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? HTTPParserError, !closing {
            refuse(context, parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest)
        }
        context.fireErrorCaught(error)
    }

    /// Answers `status` (unless a response is already under way) and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus) {
        cancelDeadline()
        let answer = !serving
        closing = true
        guard answer else {
            context.close(promise: nil)
            return
        }
        let headers = HTTPHeaders([("Connection", "close"), ("Content-Length", "0")])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }

    private func armDeadline(_ context: ChannelHandlerContext) {
        cancelDeadline()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: headTimeout) {
            let (handler, context) = bound.value
            guard !handler.serving else { return }
            handler.closing = true
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}
