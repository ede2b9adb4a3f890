import FaroModel
import FaroQMP
import FaroTesting
import Testing

/// The agent client against a fake agent on a real Unix socket.
@Suite struct GuestAgentClientTests {
    @Test func syncsPastStaleRepliesThenRunsTheCommand() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-qga")
        defer { directory.remove() }
        let server = try await FakeQMPServer(socketPath: directory.file("qga"), greeting: nil, responder: FakeGuestAgent.replies)
        // Generous: tests running in parallel can starve the event loops for seconds.
        let client = GuestAgentClient(socketPath: directory.file("qga"), syncTimeout: .seconds(30))
        let info = try await client.execute("guest-get-osinfo")
        #expect(info["id"] == "faro-fake")
        #expect(server.commands == ["guest-sync", "guest-get-osinfo"])
        await #expect(throws: GuestAgentError.commandFailed(
            command: "guest-fstrim", errorClass: "CommandNotFound", description: "The command guest-fstrim has not been found")) {
            try await client.execute("guest-fstrim")
        }
        await server.shutdown()
    }

    @Test func aSocketNobodyAnswersMeansTheAgentIsNotRunning() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-qga")
        defer { directory.remove() }
        let server = try await FakeQMPServer(socketPath: directory.file("qga"), greeting: nil) { _ in [] }
        let started = ContinuousClock.now
        await #expect(throws: GuestAgentError.notRunning) {
            try await GuestAgentClient(socketPath: directory.file("qga"), syncTimeout: .milliseconds(300))
                .execute("guest-ping", timeout: .seconds(60))
        }
        #expect(ContinuousClock.now - started < .seconds(30), "the sync deadline ends it, not the command's")
        await #expect(throws: GuestAgentError.notRunning) {
            try await GuestAgentClient(socketPath: directory.file("missing")).execute("guest-ping")
        }
        #expect(GuestAgentError.notRunning.description == "QEMU guest agent is not running")
        await server.shutdown()
    }
}
