import FaroAPI
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Proxmox clients read the error message from the HTTP reason phrase ("500 VM 100 already
/// running"). NIO's HTTP/1 encoder replaces the phrase of every well-known status code with
/// the standard one, so responses carry the phrase in a private header and this handler,
/// placed right after the encoder, moves it into the status line.
final class ReasonPhraseHandler: ChannelOutboundHandler, RemovableChannelHandler, Sendable {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data),
            let reason = head.headers.first(name: ResponseWriter.reasonHeader)
        else {
            context.write(data, promise: promise)
            return
        }
        head.headers.remove(name: ResponseWriter.reasonHeader)
        head.status = .custom(code: head.status.code, reasonPhrase: reason)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}

/// Hummingbird's HTTP/1 channel with the `ReasonPhraseHandler` added.
struct ReasonPhraseHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(ReasonPhraseHandler(), position: .before(codec))
            try channel.pipeline.syncOperations.addRequestHeadGuard()
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Puts a `RequestHeadGuard` right after the HTTP/1 request decoder.
    func addRequestHeadGuard() throws {
        let decoder = try handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        try addHandler(RequestHeadGuard(), name: RequestHeadGuard.name, position: .after(decoder))
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 that keeps Proxmox's reason phrases.
    static func proxmoxHTTP1(idleTimeout: TimeAmount) -> HTTPServerBuilder {
        .init { responder in
            ReasonPhraseHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)))
        }
    }
}
