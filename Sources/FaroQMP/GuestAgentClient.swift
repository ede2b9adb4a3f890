import FaroModel
import NIOCore
import NIOExtras
import NIOPosix

/// Talks to the QEMU guest agent through the VM's `qga` socket. The agent sends no greeting
/// and ignores `id`, and a reply meant for an earlier client may still be in the pipe, so each
/// exchange first sends `guest-sync` with a fresh number and skips lines until that number
/// comes back; only then is the command sent. When no agent runs in the guest, QEMU still
/// accepts the connection but nothing ever answers: the sync times out.
public struct GuestAgentClient: Sendable {
    public let socketPath: String
    public let syncTimeout: Duration

    public init(socketPath: String, syncTimeout: Duration = .seconds(3)) {
        self.socketPath = socketPath
        self.syncTimeout = syncTimeout
    }

    /// Runs `command` and returns its `return` value.
    ///
    /// With `answered: false` the command is one the agent does not answer when it works
    /// (`guest-shutdown`, `guest-suspend-*`: the guest goes away first); then an error that
    /// comes within `timeout` is thrown, and silence is success (`null`).
    public func execute(
        _ command: String, arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10), answered: Bool = true
    ) async throws(GuestAgentError) -> JSONValue {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(3))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .notRunning
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                let token = Int.random(in: 1..<Int(Int32.max))
                // A phase that takes too long closes the channel, which ends `lines`.
                let loop = channel.channel.eventLoop, raw = channel.channel
                let syncDeadline = loop.scheduleTask(in: TimeAmount(syncTimeout)) { raw.close(promise: nil) }
                try await outbound.write(Self.request("guest-sync", ["id": .int(token)]))
                try await Self.awaitSync(token, from: &lines)
                syncDeadline.cancel()
                let commandDeadline = loop.scheduleTask(in: TimeAmount(timeout)) { raw.close(promise: nil) }
                defer { commandDeadline.cancel() }
                try await outbound.write(Self.request(command, arguments))
                guard answered else {
                    do { return try await Self.reply(to: command, from: &lines) } catch GuestAgentError.notRunning { return .null }
                }
                return try await Self.reply(to: command, from: &lines)
            }
        } catch let error as GuestAgentError {
            throw error
        } catch {
            throw .notRunning
        }
    }

    static func awaitSync(_ token: Int, from lines: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) async throws {
        while let line = try await lines.next() {
            if let reply = try? JSONParser.parse(String(buffer: line)), reply["return"]?.intValue == token { return }
        }
        throw GuestAgentError.notRunning
    }

    static func request(_ command: String, _ arguments: [String: JSONValue]) -> ByteBuffer {
        var message: [String: JSONValue] = ["execute": .string(command)]
        if !arguments.isEmpty { message["arguments"] = .object(arguments) }
        var bytes = JSONWriter.bytes(.object(message))
        bytes.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: bytes)
    }

    static func reply(
        to command: String, from lines: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    ) async throws -> JSONValue {
        while let line = try await lines.next() {
            guard let reply = try? JSONParser.parse(String(buffer: line)) else { continue }
            if let value = reply["return"] { return value }
            if let error = reply["error"] {
                throw GuestAgentError.commandFailed(
                    command: command, errorClass: error["class"]?.stringValue ?? "GenericError", description: error["desc"]?.stringValue ?? "")
            }
        }
        throw GuestAgentError.notRunning
    }
}

/// Why a guest agent command failed.
public enum GuestAgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered on the agent socket (no agent in the guest, or it hangs).
    case notRunning
    /// The agent answered with an error.
    case commandFailed(command: String, errorClass: String, description: String)

    public var description: String {
        switch self {
        case .notRunning: return "QEMU guest agent is not running"
        case .commandFailed(let command, _, let description): return "agent command '\(command)' failed - \(description)"
        }
    }
}
