import FaroSupport
import FaroTesting
import Testing

@Suite struct RecordingCommandRunnerTests {
    @Test func recordsCommandsAndAnswersFromTheHandler() async throws {
        let runner = RecordingCommandRunner { command throws(CommandError) in
            if command.executable == "qemu-img" { return .exited(0, command, output: "ok\n") }
            throw .notFound(command)
        }
        let result = try await runner.run(Command("qemu-img", ["info", "disk.qcow2"]))
        #expect(result.output == "ok\n")
        await #expect(throws: CommandError.notFound(Command("lvs"))) { try await runner.run(Command("lvs")) }
        #expect(await runner.commands.map(\.argv) == [["qemu-img", "info", "disk.qcow2"], ["lvs"]])
    }
}
