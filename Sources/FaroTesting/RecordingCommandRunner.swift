import FaroSupport

/// A `CommandRunner` that runs nothing: it records each command and answers with what the
/// handler returns. For code whose tools cannot run on the test machine, and for decision
/// logic that needs a particular exit status, output or timeout.
public actor RecordingCommandRunner: CommandRunner {
    public typealias Handler = @Sendable (Command) throws(CommandError) -> CommandResult

    public private(set) var commands: [Command] = []
    private let handler: Handler

    /// With no handler, every command succeeds with no output.
    public init(_ handler: @escaping Handler = { CommandResult(command: $0, termination: .exited(0)) }) {
        self.handler = handler
    }

    public func run(_ command: Command) async throws(CommandError) -> CommandResult {
        commands.append(command)
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
