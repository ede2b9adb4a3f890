import FaroSupport

/// A `CommandRunner` that runs nothing: it records each command and answers from scripted
/// replies (matched by argv prefix, newest first) or a handler. For code whose tools cannot
/// run on the test machine, and for decision logic that needs a particular exit status,
/// output or timeout.
public actor RecordingCommandRunner: CommandRunner {
    public typealias Handler = @Sendable (Command) throws(CommandError) -> CommandResult

    /// An answer to every command whose argv starts with `prefix`.
    public struct Reply: Sendable {
        public var prefix: [String]
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(_ prefix: [String], status: Int32 = 0, stdout: String = "", stderr: String = "") {
            self.prefix = prefix
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public private(set) var commands: [Command] = []
    private var replies: [Reply]
    private let handler: Handler

    /// With no handler, every command no reply matches succeeds with no output.
    public init(_ replies: [Reply] = [], handler: @escaping Handler = { CommandResult(command: $0, termination: .exited(0)) }) {
        self.replies = replies
        self.handler = handler
    }

    public init(_ handler: @escaping Handler) {
        self.init([], handler: handler)
    }

    /// Commands that ran, as argv joined by spaces, for readable assertions.
    public var commandLines: [String] { commands.map { $0.argv.joined(separator: " ") } }

    /// Adds a reply that takes precedence over the earlier ones.
    public func reply(_ reply: Reply) { replies.insert(reply, at: 0) }

    public func run(_ command: Command) async throws(CommandError) -> CommandResult {
        commands.append(command)
        if let reply = replies.first(where: { command.argv.starts(with: $0.prefix) }) {
            return .exited(reply.status, command, output: reply.stdout, error: reply.stderr)
        }
        return try handler(command)
    }
}

extension CommandResult {
    /// A result for fakes: `command` exited with `status` after printing `output` and `error`.
    public static func exited(
        _ status: Int32, _ command: Command, output: String = "", error: String = ""
    ) -> CommandResult {
        CommandResult(
            command: command, termination: .exited(status), standardOutput: Array(output.utf8),
            standardError: Array(error.utf8))
    }
}
