#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// `qm terminal`, `qm monitor` and `qm guest` against a running test guest: the terminal
/// reaches the guest's serial shell and Ctrl-O leaves it, the monitor answers `info status`,
/// and the agent commands report a missing agent clearly, then work once a (fake) agent
/// answers on the VM's agent socket.
@Suite(.serialized) struct VMConsoleTests {
    static let missing = TestGuest.missingRequirements()

    @Test(.enabled(if: missing.isEmpty, "needs \(missing.joined(separator: ", "))"))
    func terminalMonitorAndGuestAgent() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-console")
        defer { directory.remove() }
        let root = directory.path
        let pidFile = root + "/run/faro/qemu/230.pid"
        defer { VMSnapshotStateTests.killQemu(pidFile) }
        let daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }
        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }

        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        #expect(try qm("create", "230", "--memory", "256", "--kvm", "0", "--agent", "1", "--serial0", "socket", "--vga", "none",
                       "--args", args).status == 0)
        #expect(try qm("create", "231", "--kvm", "0").status == 0)
        #expect(try qm("terminal", "230").error.contains("VM 230 not running"))
        #expect(try qm("start", "230").status == 0)
        do {
            // QEMU serves one client per serial socket: this one goes before the terminal comes.
            let console = try SerialConsole(path: root + "/run/faro/qemu/230.serial0")
            #expect(console.wait(for: TestGuest.readyMarker, timeout: 90), "serial so far: \(console.text.suffix(500))")
        }

        let session = try TerminalSession(root: root, arguments: ["qm", "terminal", "230"])
        session.write("echo TERM-$((2+3))\n")
        #expect(session.waitForOutput("TERM-5", timeout: 20), "terminal output: \(session.output)")
        #expect(session.output.hasPrefix("starting serial terminal on interface serial0 (press Ctrl+O to exit)\n"))
        session.write("\u{0f}")
        #expect(session.waitForExit(timeout: 10) == 0, "Ctrl-O ends the terminal")
        #expect(try qm("terminal", "230", "--iface", "serial1").error.contains("serial interface 'serial1' is not configured"))

        let monitor = try Shell.run(DaemonProcess.binaryPath(), ["--root", root, "qm", "monitor", "230"], input: "info status\nquit\n")
        #expect(monitor.status == 0, "\(monitor.error)")
        #expect(monitor.output.contains("Entering QEMU Monitor for VM 230"))
        #expect(monitor.output.contains("VM status: running"), "\(monitor.output)")

        let noAgent = try qm("guest", "cmd", "230", "ping")
        #expect(noAgent.status != 0)
        #expect(noAgent.error.contains("QEMU guest agent is not running"), "\(noAgent.error)")
        #expect(try qm("guest", "cmd", "231", "ping").error.contains("No QEMU guest agent configured"))
        #expect(try qm("guest", "cmd", "230", "bogus").error.contains("command"), "the command is checked against the list")

        // QEMU serves the agent socket; a fake agent takes its place, as if the guest ran one.
        let socket = root + "/run/faro/qemu/230.qga"
        FileIO.remove(socket)
        let agent = try await FakeQMPServer(socketPath: socket, greeting: nil, responder: FakeGuestAgent.replies)
        defer { Task { await agent.shutdown() } }
        let osinfo = try qm("guest", "cmd", "230", "get-osinfo")
        #expect(osinfo.status == 0, "\(osinfo.error)")
        #expect(osinfo.output.contains("\"id\" : \"faro-fake\"") || osinfo.output.contains("\"id\": \"faro-fake\""), "\(osinfo.output)")
        #expect(try qm("guest", "cmd", "230", "ping").status == 0)
        let exec = try Shell.faro(root, ["pvesh", "create", "/nodes/testnode/qemu/230/agent/exec", "--command", "/bin/echo",
                                         "--command", "hi", "--output-format", "json"])
        #expect(exec.output.contains("\"pid\":77"), "\(exec.output) \(exec.error)")
        let status = try qm("guest", "exec-status", "230", "77")
        #expect(status.output.contains("hi\\n"), "out-data is decoded: \(status.output)")
        #expect(agent.requests.contains { $0.command == "guest-exec" && $0.arguments["path"] == "/bin/echo" })

        // Files, a password and power through the agent, as Proxmox's agent endpoints do them.
        func pvesh(_ arguments: String...) throws -> Shell.Result {
            try Shell.faro(root, ["pvesh"] + arguments + ["--output-format", "json"])
        }
        let agentPath = "/nodes/testnode/qemu/230/agent"
        let read = try pvesh("get", agentPath + "/file-read", "--file", "/etc/hostname")
        #expect(read.output == #"{"content":"fakeguest\n"}"# + "\n", "\(read.output) \(read.error)")
        let short = try pvesh("get", agentPath + "/file-read", "--file", "/etc/hostname", "--count", "4")
        #expect(short.output.contains(#""content":"fake""#) && short.output.contains(#""truncated":1"#), "\(short.output)")
        let encoded = try pvesh("get", agentPath + "/file-read", "--file", "/etc/hostname", "--decode", "0")
        #expect(encoded.output.contains(#""content":"ZmFrZWd1ZXN0Cg==""#), "\(encoded.output)")
        #expect(try pvesh("get", agentPath + "/file-read", "--file", "/nope").error.contains("failed to open file '/nope'"))
        #expect(try pvesh("create", agentPath + "/file-write", "--file", "/tmp/x", "--content", "hello").status == 0)
        #expect(agent.requests.contains { $0.command == "guest-file-write" && $0.arguments["buf-b64"] == "aGVsbG8=" })
        let notBase64 = try pvesh("create", agentPath + "/file-write", "--file", "/tmp/x", "--content", "%%%", "--encode", "0")
        #expect(notBase64.status != 0 && notBase64.error.contains("content: not valid base64"), "\(notBase64.error)")
        #expect(try pvesh("create", agentPath + "/set-user-password", "--username", "root", "--password", "s3cret!").status == 0)
        #expect(agent.requests.contains {
            $0.command == "guest-set-user-password" && $0.arguments["username"] == "root" && $0.arguments["password"] == "czNjcmV0IQ=="
                && $0.arguments["crypted"] == false
        })
        let shutdown = try pvesh("create", agentPath + "/shutdown")
        #expect(shutdown.status == 0 && shutdown.output == #"{"result":null}"# + "\n", "no answer is success: \(shutdown.output) \(shutdown.error)")
        #expect(try pvesh("create", agentPath + "/suspend-disk").error.contains("has not been found"), "an agent error is reported")

        // Keys in the monitor's notation; QEMU names the key it does not know.
        #expect(try pvesh("set", "/nodes/testnode/qemu/230/sendkey", "--key", "shift-a").status == 0)
        let sendkey = try qm("sendkey", "230", "ctrl-x")
        #expect(sendkey.status == 0 && sendkey.output.isEmpty, "\(sendkey.output) \(sendkey.error)")
        let badKey = try pvesh("set", "/nodes/testnode/qemu/230/sendkey", "--key", "ctrl--x")
        #expect(badKey.status != 0 && badKey.error.contains("key: invalid key"), "\(badKey.error)")
        #expect(try pvesh("set", "/nodes/testnode/qemu/230/sendkey", "--key", "nosuchkey").error.contains("nosuchkey"))
        #expect(try qm("stop", "230").status == 0)
    }
}

/// `faro qm terminal` with pipes for its input and output, read while it runs.
final class TerminalSession {
    let process = Process()
    let input = Pipe()
    let outputPipe = Pipe()
    private let collected = LockedOutput()

    init(root: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath())
        process.arguments = ["--root", root] + arguments
        process.standardInput = input
        process.standardOutput = outputPipe
        process.standardError = outputPipe
        let collected = collected
        outputPipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
    }

    var output: String { collected.text }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    func waitForOutput(_ marker: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !output.contains(marker), Date() < deadline { usleep(100_000) }
        return output.contains(marker)
    }

    /// The exit status, or nil when it still runs after `timeout` (it is then killed).
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(100_000) }
        guard !process.isRunning else {
            process.terminate()
            return nil
        }
        outputPipe.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }
}

/// Text appended from the pipe's reader thread and read from the test.
final class LockedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()

    func append(_ data: Data) { lock.withLock { bytes.append(data) } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
