import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite struct SubprocessRunnerTests {
    let runner = SubprocessRunner()

    @Test func collectsOutputAndExitStatus() async throws {
        let result = try await runner.run(Command("sh", ["-c", "echo out; echo err >&2; exit 3"]))
        #expect(result.termination == .exited(3))
        #expect(result.output == "out\n")
        #expect(result.errorOutput == "err\n")
        #expect(!result.succeeded)
    }

    @Test func checkedFailureNamesCommandStatusAndStderr() async throws {
        let result = try await runner.run(Command("sh", ["-c", "echo first >&2; echo disk full >&2; exit 2"]))
        #expect(throws: CommandError.failed(result)) { try result.checked() }
        let message = CommandError.failed(result).description
        #expect(message == "command 'sh -c 'echo first >&2; echo disk full >&2; exit 2'' failed: exit code 2: first\ndisk full")
    }

    @Test func passesArgumentsUntouchedAndFeedsInput() async throws {
        let echo = try await runner.run(Command("printf", ["%s|", "two words", "$HOME", "*"]))
        #expect(echo.output == "two words|$HOME|*|")
        let cat = try await runner.run(Command("cat", input: Array("piped\n".utf8)))
        #expect(cat.output == "piped\n")
    }

    @Test func feedsAFileTheProgramCouldNotOpenItself() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("secret")
        try FileIO.writeAtomically(file, Array("from the file\n".utf8))
        // Run as root, the program drops to nobody, who may not read the file; the runner opens it.
        chmod(file, 0o600)
        let argv = getuid() == 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat"] : ["cat"]
        let result = try await runner.run(Command(argv[0], Array(argv.dropFirst()), inputFile: file)).checked()
        #expect(result.output == "from the file\n")
        let missing = Command("cat", inputFile: directory.file("missing"))
        await #expect(throws: CommandError.self) { try await runner.run(missing) }
    }

    @Test func runsInTheWorkingDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await runner.run(Command("pwd", workingDirectory: directory.path)).checked()
        #expect(result.output.hasSuffix(directory.path.split(separator: "/").last! + "\n"))
    }

    @Test func missingExecutableIsNotFound() async throws {
        let command = Command("faro-no-such-tool", ["x"])
        await #expect(throws: CommandError.notFound(command)) { try await runner.run(command) }
    }

    @Test func timeoutKillsTheProgramPromptly() async throws {
        let started = ContinuousClock.now
        let result = try await runner.run(Command("sleep", ["120"], timeout: .milliseconds(300)))
        #expect(result.termination == .timedOut(.milliseconds(300)))
        // Far below the sleep; generous because a busy test run can starve the task pool.
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(throws: CommandError.self) { try result.checked() }
    }

    @Test func aFastCommandIsNotReportedAsTimedOut() async throws {
        let result = try await runner.run(Command("true", timeout: .seconds(20)))
        #expect(result.termination == .exited(0))
    }

    @Test func cancellingTheTaskKillsTheProgram() async throws {
        let started = ContinuousClock.now
        let task = Task { try await runner.run(Command("sleep", ["120"])) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CommandError.cancelled(Command("sleep", ["120"]))) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
