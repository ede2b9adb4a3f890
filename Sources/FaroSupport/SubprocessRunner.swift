#if canImport(Glibc)
import Glibc
#endif
import Subprocess
import SystemPackage

/// The real `CommandRunner`, on swift-subprocess. The child gets the daemon's environment;
/// it is killed (SIGKILL) when its timeout passes or when the calling task is cancelled.
public struct SubprocessRunner: CommandRunner {
    /// Output beyond this many bytes per stream fails the command instead of filling memory.
    public let outputLimit: Int

    public init(outputLimit: Int = 64 << 20) {
        self.outputLimit = outputLimit
    }

    public func run(_ command: Command) async throws(CommandError) -> CommandResult {
        guard let timeout = command.timeout else { return try await runToEnd(command) }
        let outcome: Result<CommandResult, CommandError>? = await withTaskGroup(
            of: Result<CommandResult, CommandError>?.self
        ) { group in
            group.addTask {
                do throws(CommandError) { return .success(try await runToEnd(command)) } catch { return .failure(error) }
            }
            group.addTask {
                // Either the limit passes (nil: the program is killed below) or the group is
                // cancelled because the program finished first.
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw error
        case nil:
            if Task.isCancelled { throw .cancelled(command) }
            return CommandResult(command: command, termination: .timedOut(timeout))
        }
    }

    private func runToEnd(_ command: Command) async throws(CommandError) -> CommandResult {
        // swift-subprocess would look a bare name up by trying a whole spawn (a fork of this
        // large process) for each PATH entry in turn: several forks, milliseconds, per command.
        let path = command.executable.contains("/") ? command.executable : Executables.path(of: command.executable)
        guard let path else {
            // Handed-over descriptors are closed whatever happens, so the other end of a pipe
            // sees end of file (or a broken pipe) instead of waiting forever.
            for descriptor in [command.inputDescriptor, command.outputDescriptor].compactMap({ $0 }) { close(descriptor) }
            throw .notFound(command)
        }
        let executable = Executable.path(FilePath(path))
        let directory = command.workingDirectory.map { FilePath($0) }
        do {
            let outcome: (TerminationStatus, [UInt8], [UInt8])
            if let descriptor = command.inputDescriptor {
                let input = FileDescriptorInput.fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: true)
                outcome = try await spawn(executable, command, directory, input: input)
            } else if let file = command.inputFile {
                let descriptor = try Self.open(file, for: command)
                defer { try? descriptor.close() }
                let input = FileDescriptorInput.fileDescriptor(descriptor, closeAfterSpawningProcess: false)
                outcome = try await spawn(executable, command, directory, input: input)
            } else if let input = command.input {
                outcome = try await spawn(executable, command, directory, input: .array(input))
            } else {
                outcome = try await spawn(executable, command, directory, input: .none)
            }
            // Cancellation kills the child and still reports how it ended; say why instead.
            if Task.isCancelled { throw CommandError.cancelled(command) }
            return CommandResult(
                command: command, termination: Self.termination(outcome.0), standardOutput: outcome.1,
                standardError: outcome.2)
        } catch let error as CommandError {
            throw error
        } catch let error as SubprocessError {
            if error.code == .executableNotFound { throw .notFound(command) }
            throw .launchFailed(command, reason: String(describing: error))
        } catch is CancellationError {
            throw .cancelled(command)
        } catch {
            if Task.isCancelled { throw .cancelled(command) }
            throw .launchFailed(command, reason: String(describing: error))
        }
    }

    private func spawn<Input: InputProtocol>(
        _ executable: Executable, _ command: Command, _ directory: FilePath?, input: Input
    ) async throws -> (TerminationStatus, [UInt8], [UInt8]) {
        if let descriptor = command.outputDescriptor {
            let output = FileDescriptorOutput.fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: true)
            let result = try await Subprocess.run(
                executable, arguments: Arguments(command.arguments), workingDirectory: directory, input: input,
                output: output, error: .bytes(limit: outputLimit))
            return (result.terminationStatus, [], result.standardError)
        }
        let result = try await Subprocess.run(
            executable, arguments: Arguments(command.arguments), workingDirectory: directory, input: input,
            output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
        return (result.terminationStatus, result.standardOutput, result.standardError)
    }

    private static func open(_ file: String, for command: Command) throws(CommandError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(file), .readOnly, options: .closeOnExec)
        } catch {
            throw .launchFailed(command, reason: "unable to open '\(file)' - \(error)")
        }
    }

    private static func termination(_ status: TerminationStatus) -> Termination {
        switch status {
        case .exited(let code): return .exited(code)
        case .signaled(let signal): return .signalled(signal)
        }
    }
}

/// Looks programs up in `PATH` the way a shell does.
public enum Executables {
    public static func path(of name: String) -> String? {
        let search = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in search.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    public static func inPath(_ name: String) -> Bool { path(of: name) != nil }
}
