import FaroSupport
import Foundation

/// A command runner for tools that cannot run on this machine (LVM without device-mapper):
/// it records every argv and answers from scripted replies, matched by argv prefix, in order.
public final class RecordingCommandRunner: CommandRunner, @unchecked Sendable {
    public struct Reply: Sendable {
        public var prefix: [String]
        public var result: CommandResult

        public init(_ prefix: [String], status: Int32 = 0, stdout: String = "", stderr: String = "") {
            self.prefix = prefix
            result = CommandResult(status: status, stdout: Array(stdout.utf8), stderr: Array(stderr.utf8))
        }
    }

    private let lock = NSLock()
    private var replies: [Reply]
    private var recorded: [[String]] = []

    /// Replies are matched first to last; a command no reply matches exits 0 with no output.
    public init(_ replies: [Reply] = []) { self.replies = replies }

    public var commands: [[String]] { lock.withLock { recorded } }

    /// Commands that ran, as single strings, for readable assertions.
    public var commandLines: [String] { commands.map { $0.joined(separator: " ") } }

    public func reply(_ reply: Reply) { lock.withLock { replies.insert(reply, at: 0) } }

    public func run(_ argv: [String], input: [UInt8]?) async throws -> CommandResult {
        lock.withLock {
            recorded.append(argv)
            return replies.first { argv.starts(with: $0.prefix) }?.result ?? CommandResult(status: 0)
        }
    }
}
