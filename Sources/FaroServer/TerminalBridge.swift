import FaroAPI
import FaroSupport
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix

/// Bridges a termproxy websocket to a program on a pseudo-terminal. The client first proves
/// it holds the console's ticket (`USER:TICKET\n`, answered with `OK`); only then does the
/// program start. Its output goes out in binary frames; the client's messages become
/// keyboard input and window sizes. Either side ending ends both.
struct TerminalBridge {
    let console: ConsoleSessions.Console
    let argv: [String]
    let gateway: ConsoleGateway
    let group: any EventLoopGroup
    var runner = TerminalRunner()
    /// A client that has not authenticated by then is disconnected.
    var authenticationTimeout: Duration = .seconds(30)

    /// The program's whole environment: what a terminal session needs and nothing of the daemon's.
    static let environment = [
        "TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ]

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        defer { Task { await gateway.disconnected(console) } }
        // Aborting the console task closes the websocket, which ends everything below.
        await gateway.connected(console) { Task { try? await outbound.close(.goingAway, reason: "console task ended") } }
        let watchdog = Task {
            try await Task.sleep(for: authenticationTimeout)
            try? await outbound.close(.policyViolation, reason: "authentication timed out")
        }
        defer { watchdog.cancel() }
        var frames = inbound.makeAsyncIterator()
        var decoder = TermproxyDecoder()
        do {
            guard let (user, ticket, pending) = try await authentication(&frames, &decoder),
                await gateway.authenticates(console, user: user, ticket: ticket)
            else {
                try? await outbound.close(.policyViolation, reason: "authentication failed")
                return
            }
            watchdog.cancel()
            try await outbound.write(.binary(ByteBuffer(string: "OK")))
            let termination = try await runner.run(argv, environment: Self.environment) { primary in
                try await bridge(primary, pending: pending, frames: &frames, decoder: &decoder, outbound: outbound)
            }
            logger.debug("console \(console.port) of \(console.path): \(argv[0]) ended with \(termination)")
            try? await outbound.close(.normalClosure, reason: nil)
        } catch {
            logger.debug("console \(console.port) of \(console.path) ended: \(error)")
            try? await outbound.close(.unexpectedServerError, reason: "\(error)")
        }
    }

    /// The first line's user and ticket, with the messages that came in the same frames.
    private func authentication(
        _ frames: inout WebSocketInboundStream.AsyncIterator, _ decoder: inout TermproxyDecoder
    ) async throws -> (String, String, [TermproxyMessage])? {
        while let frame = try await frames.next() {
            var messages = try decoder.feed(frame.data.readableBytesView)
            guard !messages.isEmpty else { continue }
            guard case .authentication(let user, let ticket) = messages.removeFirst() else { return nil }
            return (user, ticket, messages)
        }
        return nil
    }

    /// Copies the terminal's output out until it ends (then closes the websocket) and applies
    /// the client's messages until the websocket ends.
    private func bridge(
        _ primary: Int32, pending: [TermproxyMessage], frames: inout WebSocketInboundStream.AsyncIterator,
        decoder: inout TermproxyDecoder, outbound: WebSocketOutboundWriter
    ) async throws {
        let terminal = try await NIOPipeBootstrap(group: group).takingOwnershipOfDescriptor(inputOutput: primary) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        try await terminal.executeThenClose { fromTerminal, toTerminal in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    // A terminal whose program has ended reads as an error (EIO), not as its end.
                    do {
                        for try await buffer in fromTerminal { try await outbound.write(.binary(buffer)) }
                    } catch {}
                    try? await outbound.close(.normalClosure, reason: nil)
                }
                for message in pending { try await apply(message, primary, toTerminal) }
                while let frame = try await frames.next() {
                    for message in try decoder.feed(frame.data.readableBytesView) { try await apply(message, primary, toTerminal) }
                }
                tasks.cancelAll()
            }
        }
    }

    private func apply(_ message: TermproxyMessage, _ primary: Int32, _ terminal: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        switch message {
        case .input(let bytes): try await terminal.write(ByteBuffer(bytes: bytes))
        case .resize(let columns, let rows): PseudoTerminal.resize(primary, TerminalSize(columns: columns, rows: rows))
        case .ping, .authentication: break
        }
    }
}
