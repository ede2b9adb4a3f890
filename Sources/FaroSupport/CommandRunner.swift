/// Runs external programs. Everything in Faro that starts a tool (`qemu-img`, `qemu-system-*`,
/// `lxc-*`, `btrfs`, `lvs`, ...) goes through one of these, so tests can swap in a recording
/// fake where the real tool cannot run, and the composition root decides which runner to use.
public protocol CommandRunner: Sendable {
    /// Runs `command` to completion and collects its output. A non-zero exit status is a
    /// result, not an error; call `CommandResult.checked()` to turn it into one. A command
    /// that outlives its `timeout` is killed and reported with `.timedOut`.
    func run(_ command: Command) async throws(CommandError) -> CommandResult
}

/// One program invocation: an executable and its arguments as an argv array (never a shell
/// string), with an optional working directory and timeout.
public struct Command: Sendable, Hashable, CustomStringConvertible {
    /// A path (contains `/`) or a name looked up in `PATH`.
    public var executable: String
    public var arguments: [String]
    public var workingDirectory: String?
    /// Bytes written to the program's standard input; nil gives it an empty one.
    public var input: [UInt8]?
    /// A file the runner opens, with the daemon's rights, as the program's standard input
    /// (instead of `input`): for a program that may not open the file itself, such as tar
    /// unpacking a template inside a container's user namespace.
    public var inputFile: String?
    /// How long the program may run before it is killed (SIGKILL); nil waits forever.
    public var timeout: Duration?
    /// Descriptors handed to the program as its standard input and output, for data that
    /// streams through pipes instead of memory (a backup through its compressor). The runner
    /// takes them over: it closes its copies as soon as the program has started, so the
    /// program sees end of file when the other end of a pipe is closed. With an output
    /// descriptor, `CommandResult.standardOutput` stays empty.
    public var inputDescriptor: Int32?
    public var outputDescriptor: Int32?

    public init(
        _ executable: String, _ arguments: [String] = [], workingDirectory: String? = nil, input: [UInt8]? = nil,
        inputFile: String? = nil, timeout: Duration? = nil, inputDescriptor: Int32? = nil, outputDescriptor: Int32? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.input = input
        self.inputFile = inputFile
        self.timeout = timeout
        self.inputDescriptor = inputDescriptor
        self.outputDescriptor = outputDescriptor
    }

    /// The executable followed by its arguments.
    public var argv: [String] { [executable] + arguments }

    /// The command as a person would type it, for messages and logs.
    public var description: String { argv.map(Self.quoted).joined(separator: " ") }

    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

/// How a command ended.
public enum Termination: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)
    /// Killed by the runner because it outlived `Command.timeout`.
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .exited(let code): return "exit code \(code)"
        case .signalled(let signal): return "killed by signal \(signal)"
        case .timedOut(let limit): return "timed out after \(limit)"
        }
    }
}

/// What a finished command printed and how it ended.
public struct CommandResult: Sendable, Hashable {
    public var command: Command
    public var termination: Termination
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]

    public init(command: Command, termination: Termination, standardOutput: [UInt8] = [], standardError: [UInt8] = []) {
        self.command = command
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errorOutput: String { String(decoding: standardError, as: UTF8.self) }
    public var succeeded: Bool { termination == .exited(0) }

    /// The result when the command succeeded, else `CommandError.failed` carrying it.
    @discardableResult
    public func checked() throws(CommandError) -> CommandResult {
        guard succeeded else { throw .failed(self) }
        return self
    }
}

/// A command that could not run, or (through `CommandResult.checked()`) one that failed.
public enum CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The executable does not exist or is not in `PATH`.
    case notFound(Command)
    /// The program could not be started (permissions, bad working directory, ...).
    case launchFailed(Command, reason: String)
    /// It ran and failed: a non-zero exit, a signal or a timeout.
    case failed(CommandResult)
    /// The task that ran it was cancelled; the program was killed.
    case cancelled(Command)

    public var command: Command {
        switch self {
        case .notFound(let command), .launchFailed(let command, _), .cancelled(let command): return command
        case .failed(let result): return result.command
        }
    }

    public var description: String {
        switch self {
        case .notFound(let command): return "command '\(command.executable)' not found"
        case .launchFailed(let command, let reason): return "unable to run '\(command)' - \(reason)"
        case .cancelled(let command): return "command '\(command)' was cancelled"
        case .failed(let result):
            let tail = Self.tail(result.errorOutput)
            return "command '\(result.command)' failed: \(result.termination)" + (tail.isEmpty ? "" : ": " + tail)
        }
    }

    /// The last few lines of a program's error output, enough to say what went wrong.
    static func tail(_ text: String, lines: Int = 5) -> String {
        text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

extension CommandRunner {
    /// Runs an argv array (program first).
    public func run(_ argv: [String], input: [UInt8]? = nil) async throws(CommandError) -> CommandResult {
        precondition(!argv.isEmpty, "empty argv")
        return try await run(Command(argv[0], Array(argv.dropFirst()), input: input))
    }

    /// Runs an argv array and returns its standard output; a failure throws `CommandError`.
    @discardableResult
    public func checked(_ argv: [String], input: [UInt8]? = nil) async throws(CommandError) -> String {
        try await run(argv, input: input).checked().output
    }
}
