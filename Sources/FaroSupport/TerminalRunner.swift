#if canImport(Glibc)
import Glibc
#endif
import Subprocess
import SystemPackage

/// Runs an interactive program (a login shell, `lxc-console`) on a pseudo-terminal of its
/// own, for a console. The terminal becomes the program's standard input, output and error
/// and, through util-linux's `setsid --ctty`, its controlling terminal in a new session, so
/// job control and Ctrl-C work as on a real terminal.
public struct TerminalRunner: Sendable {
    /// How long the program may take to end after its session is over (SIGHUP) before SIGKILL.
    public var hangupGrace: Duration

    public init(hangupGrace: Duration = .seconds(3)) {
        self.hangupGrace = hangupGrace
    }

    /// Starts `argv` with exactly `environment` on a new terminal of `size` and runs `session`
    /// with the terminal's primary descriptor, which `session` owns and must close. When
    /// `session` returns, the program's session gets SIGHUP (then SIGKILL) and this returns
    /// how the program ended.
    public func run(
        _ argv: [String], environment: [String: String], size: TerminalSize = .standard,
        session: (Int32) async throws -> Void
    ) async throws -> Termination {
        let command = Command("setsid", ["--ctty"] + argv)
        let terminal: PseudoTerminal
        do { terminal = try PseudoTerminal.open(size: size) } catch { throw CommandError.launchFailed(command, reason: "\(error)") }
        let secondary = FileDescriptor(rawValue: terminal.secondary)
        var secondaryOpen = true
        defer { if secondaryOpen { close(terminal.secondary) } }
        var primaryOwned = false
        defer { if !primaryOwned { close(terminal.primary) } }
        let variables = Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })
        do {
            let result = try await Subprocess.run(
                .name(command.executable), arguments: Arguments(command.arguments), environment: .custom(variables),
                input: .fileDescriptor(secondary, closeAfterSpawningProcess: false),
                output: .fileDescriptor(secondary, closeAfterSpawningProcess: false),
                error: .fileDescriptor(secondary, closeAfterSpawningProcess: false)
            ) { execution in
                // Only the program holds the terminal now, so its end reads as the end of the primary side.
                close(terminal.secondary)
                secondaryOpen = false
                primaryOwned = true
                do {
                    try await session(terminal.primary)
                } catch {
                    await execution.teardown(using: [.send(signal: .terminalClosed, toProcessGroup: true, allowedDurationToNextStep: hangupGrace)])
                    throw error
                }
                await execution.teardown(using: [.send(signal: .terminalClosed, toProcessGroup: true, allowedDurationToNextStep: hangupGrace)])
            }
            switch result.terminationStatus {
            case .exited(let code): return .exited(code)
            case .signaled(let signal): return .signalled(signal)
            }
        } catch let error as SubprocessError {
            if error.code == .executableNotFound { throw CommandError.notFound(command) }
            throw CommandError.launchFailed(command, reason: String(describing: error))
        }
    }
}
