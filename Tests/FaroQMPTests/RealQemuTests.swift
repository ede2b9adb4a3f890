import FaroModel
import FaroQMP
import FaroTesting
import Testing

/// The client against a real QEMU booting the test guest under TCG.
@Suite(.serialized) struct RealQemuTests {
    static let missing = TestGuest.missingRequirements()
    static let skipMessage = Comment(rawValue: "needs " + missing.joined(separator: ", "))

    /// Events until the stream ends (QEMU closed the socket), or nil when it has not ended
    /// within `limit`.
    func eventsUntilClose(_ client: QMPClient, within limit: Duration) async -> [QMPEvent]? {
        await withTaskGroup(of: [QMPEvent]?.self) { group in
            group.addTask {
                var events: [QMPEvent] = []
                for await event in client.events { events.append(event) }
                return Task.isCancelled ? nil : events
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test(.enabled(if: missing.isEmpty, skipMessage))
    func bootsToTheMarkerAndPowersDownOnTheACPIButton() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-qemu")
        defer { directory.remove() }
        let started = ContinuousClock.now
        let qemu = try await TestQemu.start(guest: guest, directory: directory.path)
        defer { qemu.kill() }
        let client = try await QMPClient.connect(socketPath: qemu.qmpSocket)
        #expect(client.greeting.major >= 7)
        #expect(try await client.queryStatus() == QMPStatus(status: "running", running: true))

        let booted = await qemu.waitForSerial(TestGuest.readyMarker, timeout: .seconds(30))
        try #require(booted, "no marker within 30 s; serial output: \(qemu.serialOutput)")
        print("test guest (kernel \(guest.kernelRelease)) printed its marker \(ContinuousClock.now - started) after QEMU started (TCG)")

        try await client.systemPowerdown()
        let events = try #require(await eventsUntilClose(client, within: .seconds(30)), "QEMU did not exit on powerdown")
        #expect(events.map(\.name) == [.powerdown, .shutdown])
        #expect(events.last?.data == .object(["guest": .bool(true), "reason": .string("guest-shutdown")]))
        #expect(qemu.serialOutput.contains(TestGuest.poweroffMarker))
        #expect(await qemu.waitForExit(timeout: .seconds(10)))
        await #expect(throws: QMPError.connectionClosed(socket: qemu.qmpSocket, command: "query-status")) {
            try await client.queryStatus()
        }
    }

    @Test(.enabled(if: missing.isEmpty, skipMessage))
    func quitEndsQEMUWithAHostShutdown() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-qemu")
        defer { directory.remove() }
        let qemu = try await TestQemu.start(guest: guest, directory: directory.path)
        defer { qemu.kill() }
        let client = try await QMPClient.connect(socketPath: qemu.qmpSocket)
        try await client.stop()
        #expect(try await client.queryStatus() == QMPStatus(status: "paused", running: false))
        try await client.cont()
        try await client.quit()
        let events = try #require(await eventsUntilClose(client, within: .seconds(15)), "QEMU did not exit on quit")
        #expect(events.map(\.name) == [.stop, .resume, .shutdown])
        #expect(events.last?.data["reason"] == .string("host-qmp-quit"))
        #expect(await qemu.waitForExit(timeout: .seconds(10)))
    }
}
