import FaroModel
import FaroQMP
import FaroTesting
import Testing

/// The client against a fake monitor on a real Unix socket.
@Suite struct QMPClientTests {
    func withServer(
        greeting: String? = FakeQMPServer.qemuGreeting, responder: @escaping FakeQMPServer.Responder = FakeQMPServer.standardReplies,
        _ body: (FakeQMPServer) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "faro-qmp")
        defer { directory.remove() }
        let server = try await FakeQMPServer(socketPath: directory.file("qmp.sock"), greeting: greeting, responder: responder)
        do {
            try await body(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    /// The standard replies plus a few scripted commands.
    static func scripted(_ request: FakeQMPServer.Request) -> [FakeQMPServer.Action] {
        switch request.command {
        case "slow": return []
        case "die": return [.close]
        case "noisy":
            return [
                .event("STOP"), .line("{this is not json"), .line(#"{"return": "not yours", "id": 9999}"#),
                .event("RESUME", data: .object(["x": .int(1)])), .reply(.string("mine")),
            ]
        default: return FakeQMPServer.standardReplies(request)
        }
    }

    @Test func connectReadsGreetingAndNegotiatesCapabilities() async throws {
        try await withServer { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            #expect(client.greeting.version == "7.2.22")
            #expect(client.greeting.package == "Debian 1:7.2+dfsg-7")
            #expect(client.greeting.capabilities == ["oob"])
            #expect(server.commands == ["qmp_capabilities"])
            let status = try await client.queryStatus()
            #expect(status == QMPStatus(status: "running", running: true))
            #expect(server.requests.map(\.id) == [.int(1), .int(2)])
            await client.close()
        }
    }

    @Test func argumentsAreSentAsAnObject() async throws {
        try await withServer(responder: { request in
            request.command == "human-monitor-command" ? [.reply(.string("ok\r\n"))] : FakeQMPServer.standardReplies(request)
        }) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            #expect(try await client.humanMonitorCommand("info status") == "ok\r\n")
            #expect(server.requests.last?.arguments == .object(["command-line": .string("info status")]))
            await client.close()
        }
    }

    @Test func qemuErrorsAreTypedWithClassAndDescription() async throws {
        try await withServer { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            await #expect(
                throws: QMPError.commandFailed(
                    command: "frobnicate", errorClass: "CommandNotFound", description: "The command frobnicate has not been found")
            ) { try await client.execute("frobnicate") }
            #expect(try await client.queryStatus().running, "an error must not break the connection")
            await client.close()
        }
    }

    @Test func eventsInterleavedWithRepliesAndJunkLines() async throws {
        try await withServer(responder: Self.scripted) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            #expect(try await client.execute("noisy") == .string("mine"))
            var iterator = client.events.makeAsyncIterator()
            let first = await iterator.next()
            let second = await iterator.next()
            #expect(first?.name == .stop)
            #expect(first?.seconds == 1_700_000_000)
            #expect(second == QMPEvent(name: .resume, data: .object(["x": .int(1)]), seconds: 1_700_000_000, microseconds: 1))
            #expect(await client.unrecognizedLines == 2, "the junk line and the reply to an unknown id")
            await client.close()
        }
    }

    @Test func unsolicitedEventsArriveWhileIdle() async throws {
        try await withServer { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            try await server.send([.event("RESET", data: .object(["guest": .bool(true)]))])
            var iterator = client.events.makeAsyncIterator()
            let event = await iterator.next()
            #expect(event?.name == .reset)
            #expect(event?.data["guest"] == .bool(true))
            await client.close()
        }
    }

    @Test func aCommandWithoutReplyTimesOutAndALateReplyIsDropped() async throws {
        try await withServer(responder: Self.scripted) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            let started = ContinuousClock.now
            await #expect(throws: QMPError.timedOut(command: "slow", after: .milliseconds(200))) {
                try await client.execute("slow", timeout: .milliseconds(200))
            }
            // Generous: the suite boots TCG guests on both cores meanwhile; what matters is that
            // the 200 ms timeout fires at all instead of waiting forever.
            #expect(ContinuousClock.now - started < .seconds(10))
            let slowID = server.requests.last!.id!
            try await server.send([.line(JSONWriter.string(.object(["return": .string("late"), "id": slowID])))])
            #expect(try await client.queryStatus().running, "the late reply must not answer the next command")
            await client.close()
        }
    }

    @Test func abruptCloseFailsTheCommandAndFinishesEvents() async throws {
        try await withServer(responder: Self.scripted) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            await #expect(throws: QMPError.connectionClosed(socket: server.socketPath, command: "die")) {
                try await client.execute("die")
            }
            var count = 0
            for await _ in client.events { count += 1 }
            #expect(count == 0)
            await #expect(throws: QMPError.connectionClosed(socket: server.socketPath, command: "query-status")) {
                try await client.queryStatus()
            }
        }
    }

    @Test func qemuExitFailsEveryPendingCommand() async throws {
        try await withServer(responder: Self.scripted) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            let first = Task { try await client.execute("slow", timeout: .seconds(20)) }
            let second = Task { try await client.execute("slow", timeout: .seconds(20)) }
            while server.commands.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
            try await server.send([.close])
            await #expect(throws: QMPError.connectionClosed(socket: server.socketPath, command: "slow")) { try await first.value }
            await #expect(throws: QMPError.connectionClosed(socket: server.socketPath, command: "slow")) { try await second.value }
        }
    }

    @Test func quitSeesShutdownThenTheStreamEnds() async throws {
        try await withServer { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            try await client.quit()
            var names: [QMPEvent.Name] = []
            for await event in client.events { names.append(event.name) }
            #expect(names == [.shutdown])
        }
    }

    @Test func cancellingAWaitingCommand() async throws {
        try await withServer(responder: Self.scripted) { server in
            let client = try await QMPClient.connect(socketPath: server.socketPath)
            let task = Task { try await client.execute("slow", timeout: .seconds(20)) }
            while server.commands.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            await #expect(throws: QMPError.cancelled(command: "slow")) { try await task.value }
            await client.close()
        }
    }

    @Test func silentMonitorGivesNoGreetingError() async throws {
        try await withServer(greeting: nil) { server in
            await #expect(throws: QMPError.noGreeting(socket: server.socketPath, after: .milliseconds(300))) {
                try await QMPClient.connect(socketPath: server.socketPath, timeout: .milliseconds(300))
            }
        }
    }

    @Test func somethingElseThanAGreetingIsRefused() async throws {
        try await withServer(greeting: "SSH-2.0-OpenSSH") { server in
            await #expect(throws: QMPError.badGreeting(socket: server.socketPath, line: "SSH-2.0-OpenSSH")) {
                try await QMPClient.connect(socketPath: server.socketPath)
            }
        }
    }

    @Test func missingSocketFailsToConnect() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-qmp")
        defer { directory.remove() }
        do {
            _ = try await QMPClient.connect(socketPath: directory.file("none.sock"))
            Issue.record("connected to a socket that does not exist")
        } catch {
            guard case .connectFailed(let socket, _) = error else { throw error }
            #expect(socket == directory.file("none.sock"))
        }
    }
}
