import FaroModel
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix

/// A stand-in for QEMU's monitor on a Unix socket, for testing QMP clients without QEMU. It
/// greets each connection, records every command and answers with what the responder scripts;
/// tests can also push events, raw lines or a hang-up at any moment.
public final class FakeQMPServer: Sendable {
    /// A command a client sent.
    public struct Request: Sendable, Hashable {
        public let command: String
        public let arguments: JSONValue
        public let id: JSONValue?
    }

    /// Something the server sends.
    public enum Action: Sendable, Hashable {
        /// `{"return": value, "id": <the request's id>}`
        case reply(JSONValue)
        /// `{"error": {"class": ..., "desc": ...}, "id": <the request's id>}`
        case error(class: String, description: String)
        /// `{"event": name, "data": ..., "timestamp": ...}`
        case event(String, data: JSONValue = .object([:]))
        /// A line exactly as given (malformed JSON, a reply with another id, ...).
        case line(String)
        /// Hangs up, as QEMU does when it exits.
        case close
    }

    public typealias Responder = @Sendable (Request) -> [Action]

    /// QEMU 7.2's greeting.
    public static let qemuGreeting =
        #"{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7"}, "capabilities": ["oob"]}}"#

    public let socketPath: String
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var requests: [Request] = []
        var connections: [any Channel] = []
    }

    /// Listens on `socketPath`. `greeting` nil sends none (a monitor that never speaks).
    public init(
        socketPath: String, greeting: String? = FakeQMPServer.qemuGreeting,
        responder: @escaping Responder = FakeQMPServer.standardReplies
    ) async throws {
        self.socketPath = socketPath
        let state = NIOLockedValueBox(State())
        self.state = state
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try child.pipeline.syncOperations.addHandler(
                        FakeQMPConnection(greeting: greeting, responder: responder, state: state))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).get()
    }

    /// Every command received so far, in order.
    public var requests: [Request] { state.withLockedValue { $0.requests } }
    public var commands: [String] { requests.map(\.command) }

    /// Sends actions to every connected client, unprompted (events, late replies, a hang-up).
    public func send(_ actions: [Action]) async throws {
        for connection in state.withLockedValue({ $0.connections }) {
            for action in actions {
                if let line = Self.render(action, id: nil) {
                    try await connection.writeAndFlush(ByteBuffer(string: line + "\r\n"))
                } else {
                    try? await connection.close()
                }
            }
        }
    }

    /// Stops listening and drops every connection.
    public func shutdown() async {
        for connection in state.withLockedValue({ $0.connections }) { try? await connection.close() }
        try? await channel.close()
    }

    /// Answers like a running QEMU: `qmp_capabilities`, `query-status`, `system_powerdown`
    /// (with a POWERDOWN event), `quit` (SHUTDOWN, then hang-up); anything else is
    /// `CommandNotFound`.
    public static func standardReplies(_ request: Request) -> [Action] {
        switch request.command {
        case "qmp_capabilities", "cont", "stop", "system_reset": return [.reply(.object([:]))]
        case "query-status":
            return [.reply(.object(["status": .string("running"), "running": .bool(true), "singlestep": .bool(false)]))]
        case "system_powerdown": return [.event("POWERDOWN"), .reply(.object([:]))]
        case "quit":
            return [
                .reply(.object([:])),
                .event("SHUTDOWN", data: .object(["guest": .bool(false), "reason": .string("host-qmp-quit")])), .close,
            ]
        default: return [.error(class: "CommandNotFound", description: "The command \(request.command) has not been found")]
        }
    }

    /// The wire line for an action, nil for `.close`.
    static func render(_ action: Action, id: JSONValue?) -> String? {
        func withID(_ object: [String: JSONValue]) -> String {
            var object = object
            if let id { object["id"] = id }
            return JSONWriter.string(.object(object))
        }
        switch action {
        case .reply(let value): return withID(["return": value])
        case .error(let errorClass, let description):
            return withID(["error": .object(["class": .string(errorClass), "desc": .string(description)])])
        case .event(let name, let data):
            let stamp: JSONValue = .object(["seconds": .int(1_700_000_000), "microseconds": .int(1)])
            return JSONWriter.string(.object(["event": .string(name), "data": data, "timestamp": stamp]))
        case .line(let text): return text
        case .close: return nil
        }
    }
}
