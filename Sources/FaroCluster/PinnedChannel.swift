import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import NIOWebSocket

/// TLS connections to another node's daemon that succeed only when the node presents the
/// certificate whose SHA-256 fingerprint the directory pins, as Proxmox pins `pve-ssl.pem`
/// of the other nodes (the certificate is self-signed or signed by the cluster CA; neither
/// is checked against a CA, only against the pin). Connections end after 30 s without traffic.
enum PinnedChannel {
    typealias HTTP = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    typealias WebSocket = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    /// An HTTP/1.1 connection to `node`.
    static func http(_ node: ClusterNode, idleTimeout: TimeAmount) async throws -> HTTP {
        try await connect(node, idleTimeout: idleTimeout) { channel in
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            return try HTTP(wrappingChannelSynchronously: channel)
        }
    }

    /// A websocket to `node` opened with `head` (path, query and the caller's credentials).
    static func webSocket(_ node: ClusterNode, head: HTTPRequestHead, idleTimeout: TimeAmount) async throws -> WebSocket {
        enum Upgrade: Sendable {
            case upgraded(WebSocket)
            case refused
        }
        let negotiation: EventLoopFuture<Upgrade> = try await connect(node, idleTimeout: idleTimeout) { channel in
            let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 24) { channel, _ in
                channel.eventLoop.makeCompletedFuture { .upgraded(try WebSocket(wrappingChannelSynchronously: channel)) }
            }
            let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: head, upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.refused) })
            return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                configuration: .init(upgradeConfiguration: configuration))
        }
        switch try await negotiation.get() {
        case .upgraded(let channel): return channel
        case .refused: throw ClusterError.nodeUnreachable(node: node.name, reason: "the node refused the console websocket")
        }
    }

    /// Connects with the pin checked during the handshake, then lets `setUp` complete the
    /// pipeline (on the channel's event loop), so nothing is built on a connection that failed.
    /// A handshake that fails because of the pin is reported as a fingerprint mismatch.
    private static func connect<Output: Sendable>(
        _ node: ClusterNode, idleTimeout: TimeAmount, setUp: @escaping @Sendable (any Channel) throws -> Output
    ) async throws -> Output {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The callback below replaces chain verification; it is only called with verification on.
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let presented = NIOLockedValueBox<String?>(nil)
        let handshake = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(idleTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let tls = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, verdict in
                            let fingerprint = (try? certificates.first?.toDERBytes()).map(NodeCertificate.fingerprint(ofDER:))
                            presented.withLockedValue { $0 = fingerprint }
                            verdict.succeed(fingerprint == node.fingerprint ? .certificateVerified : .failed)
                        }
                        try channel.pipeline.syncOperations.addHandlers([
                            tls, HandshakeWatcher(done: handshake), IdleStateHandler(allTimeout: idleTimeout), IdleCloser(),
                        ])
                    }
                }
                .connect(host: node.address, port: node.port).get()
        } catch {
            handshake.fail(error)
            throw ClusterError.nodeUnreachable(node: node.name, reason: "\(error)")
        }
        do {
            try await handshake.futureResult.get()
            return try await channel.eventLoop.submit { try setUp(channel) }.get()
        } catch {
            channel.close(promise: nil)
            if let fingerprint = presented.withLockedValue({ $0 }), fingerprint != node.fingerprint {
                throw ClusterError.fingerprintMismatch(node: node.name, expected: node.fingerprint, presented: fingerprint)
            }
            throw ClusterError.nodeUnreachable(node: node.name, reason: "\(error)")
        }
    }
}

/// Completes `done` once the TLS handshake finished; fails it when the connection breaks first.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let done: EventLoopPromise<Void>

    init(done: EventLoopPromise<Void>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { done.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}

/// Closes a connection that was silent for the idle timeout.
private final class IdleCloser: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
