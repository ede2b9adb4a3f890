@testable import FaroLXC
import Foundation
import Testing

/// The monitor-socket client against a stand-in monitor speaking lxc's 16-byte protocol.
@Suite struct MonitorSocketTests {
    /// A listening abstract socket that answers each connection with `reply` (nil: closes at
    /// once; `hold`: never answers) and records the commands it was sent.
    final class FakeMonitor: @unchecked Sendable {
        let name = "faro-test-\(UUID().uuidString)/990/command"
        let fd: Int32
        private let received = Received()
        var commands: [Int32] { received.commands }

        final class Received: @unchecked Sendable {
            private let lock = NSLock()
            private var list: [Int32] = []
            var commands: [Int32] { lock.withLock { list } }
            func append(_ command: Int32) { lock.withLock { list.append(command) } }
        }

        init(reply: @escaping @Sendable (Int32) -> (status: Int32, data: Int64)?, hold: Bool = false) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(name.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.baseAddress!.advanced(by: 1).copyMemory(from: bytes, byteCount: bytes.count) }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + bytes.count)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
            let listener = fd
            let received = received
            Thread.detachNewThread {
                while true {
                    let client = accept(listener, nil, nil)
                    guard client >= 0 else { return }
                    var request = [UInt8](repeating: 0, count: 16)
                    guard recv(client, &request, 16, Int32(MSG_WAITALL)) == 16 else { close(client); continue }
                    let command = request.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
                    received.append(command)
                    if hold { Thread.sleep(forTimeInterval: 1) }
                    if !hold, let (status, data) = reply(command) {
                        var answer = [UInt8](repeating: 0, count: 16)
                        withUnsafeBytes(of: status) { answer.replaceSubrange(0..<4, with: $0) }
                        withUnsafeBytes(of: data) { answer.replaceSubrange(8..<16, with: $0) }
                        _ = send(client, answer, 16, Int32(MSG_NOSIGNAL))
                    }
                    close(client)
                }
            }
        }

        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    @Test func aRunningContainerAnswersItsStateAndInit() async throws {
        let monitor = try FakeMonitor { command in command == 3 ? (0, 2) : (0, 4242) }
        let client = LXCMonitorSocket(name: monitor.name)
        #expect(try await client.state() == .running)
        #expect(try await client.initPID() == 4242)
        #expect(monitor.commands == [3, 4])
    }

    @Test func frozenCountsAsRunningStoppingDoesNot() async throws {
        #expect(LXCMonitorSocket.State.frozen.isRunning)
        #expect(LXCMonitorSocket.State.thawed.isRunning)
        #expect(!LXCMonitorSocket.State.stopping.isRunning)
        #expect(!LXCMonitorSocket.State.starting.isRunning)
        #expect(LXCMonitorSocket.State(lxcInfoName: "FROZEN") == .frozen)
        #expect(LXCMonitorSocket.State(lxcInfoName: "RUNNING") == .running)
        #expect(LXCMonitorSocket.State(lxcInfoName: "GONE") == nil)
    }

    @Test func nobodyListeningIsStopped() async throws {
        let client = LXCMonitorSocket(name: "faro-test-\(UUID().uuidString)/990/command")
        #expect(try await client.ask(.state) == .notListening)
        #expect(try await client.state() == .stopped)
        #expect(try await client.initPID() == nil)
    }

    @Test func aMonitorClosingWithoutAnAnswerHasEnded() async throws {
        let monitor = try FakeMonitor { _ in nil }
        #expect(try await LXCMonitorSocket(name: monitor.name).state() == .stopped)
    }

    @Test func aBusyMonitorTimesOutInsteadOfHanging() async throws {
        let monitor = try FakeMonitor(reply: { _ in (0, 2) }, hold: true)
        let client = LXCMonitorSocket(name: monitor.name, timeout: .milliseconds(100))
        #expect(try await client.ask(.state) == .timedOut)
        #expect(try await client.state() == nil)
    }

    @Test func aRefusedCommandIsAnErrorNamingTheSocket() async throws {
        let monitor = try FakeMonitor { _ in (-22, 0) }
        await #expect(throws: LXCError.self) { try await LXCMonitorSocket(name: monitor.name).initPID() }
    }

    @Test func lxcHashesNamesTooLongForTheSocketAddress() {
        #expect(LXCMonitorSocket(lxcPath: "/var/lib/faro/lxc", container: "990")?.name == "/var/lib/faro/lxc/990/command")
        #expect(LXCMonitorSocket(lxcPath: "/" + String(repeating: "x", count: 120), container: "990") == nil)
    }
}
