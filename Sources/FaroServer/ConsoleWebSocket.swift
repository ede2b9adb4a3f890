import FaroAPI
import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix

/// The HTTPS listener's child channel: Hummingbird's HTTP/1 with websocket upgrades for
/// consoles, and Proxmox's reason phrases. `ReasonPhraseHandler` speaks NIO's HTTP/1 types, so
/// it sits right where the HTTP codec is added once a request is not upgraded; an upgrade
/// removes it before the websocket handlers come.
struct ConsoleUpgradeChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    static let reasonHandlerName = "faro.reason-phrase"
    let base: HTTP1WebSocketUpgradeChannel
    let limit: AddressConnectionLimit

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard limit.admit(channel) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
        }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addRequestHeadGuard()
            try channel.pipeline.syncOperations.addHandler(ReasonPhraseHandler(), name: Self.reasonHandlerName)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Proxmox's reason phrases and the console websockets `gateway` admits;
    /// one client address holds at most `connectionsPerAddress` connections.
    static func proxmoxHTTP1(
        idleTimeout: TimeAmount, connectionsPerAddress: Int, consoles gateway: ConsoleGateway
    ) -> HTTPServerBuilder {
        let limit = AddressConnectionLimit(limit: connectionsPerAddress)
        return .init { responder in
            ConsoleUpgradeChannel(
                base: HTTP1WebSocketUpgradeChannel(
                    responder: responder,
                    configuration: .init(http1: .init(idleTimeout: idleTimeout), ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))
                ) { head, channel, _ in
                    guard let route = await gateway.route(for: head, channel: channel) else { return .dontUpgrade }
                    try await channel.pipeline.removeHandler(name: ConsoleUpgradeChannel.reasonHandlerName).get()
                    try await channel.pipeline.removeHandler(name: RequestHeadGuard.name).get()
                    var headers = HTTPFields()
                    // noVNC (and Proxmox's xterm.js client) ask for the `binary` subprotocol and close a
                    // socket that does not confirm it.
                    if let asked = head.headerFields[.secWebSocketProtocol], asked.split(separator: ",").contains(where: {
                        $0.trimmingCharacters(in: .whitespaces) == "binary"
                    }) {
                        headers[.secWebSocketProtocol] = "binary"
                    }
                    let client = channel.remoteAddress?.ipAddress
                    return .upgrade(headers) { inbound, outbound, context in
                        switch route {
                        case .remote(let node, let forwarder):
                            await RemoteConsoleBridge(node: node, forwarder: forwarder, request: head, clientAddress: client)
                                .run(inbound: inbound, outbound: outbound, logger: context.logger)
                        case .local(let console):
                            switch console.endpoint {
                            case .vnc(let socketPath):
                                await ConsoleBridge(console: console, socketPath: socketPath, gateway: gateway, group: channel.eventLoop)
                                    .run(inbound: inbound, outbound: outbound, logger: context.logger)
                            case .terminal(let argv):
                                await TerminalBridge(console: console, argv: argv, gateway: gateway, group: channel.eventLoop)
                                    .run(inbound: inbound, outbound: outbound, logger: context.logger)
                            }
                        }
                    }
                }, limit: limit)
        }
    }
}

/// Copies bytes both ways between a console websocket and the VM's VNC Unix socket until
/// either side ends.
struct ConsoleBridge {
    let console: ConsoleSessions.Console
    let socketPath: String
    let gateway: ConsoleGateway
    let group: any EventLoopGroup

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        defer { Task { await gateway.disconnected(console) } }
        do {
            let vnc = try await ClientBootstrap(group: group).connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
            let vncChannel = vnc.channel
            await gateway.connected(console) { vncChannel.close(promise: nil) }
            try await vnc.executeThenClose { fromVNC, toVNC in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await buffer in fromVNC { try await outbound.write(.binary(buffer)) }
                    }
                    group.addTask {
                        for try await frame in inbound { try await toVNC.write(frame.data) }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
            try? await outbound.close(.normalClosure, reason: nil)
        } catch {
            logger.debug("console \(console.port) of \(console.path) ended: \(error)")
            try? await outbound.close(.unexpectedServerError, reason: "\(error)")
        }
    }
}
