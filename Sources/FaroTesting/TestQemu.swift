import FaroSupport
import Foundation

/// A real `qemu-system-x86_64` running a `TestGuest`, daemonized with a pid file, its QMP
/// socket and serial console in `directory`. Tests call `kill()` in a `defer`, so QEMU goes
/// even when they fail.
public final class TestQemu: Sendable {
    public let directory: String
    public let pid: Int32
    public var qmpSocket: String { directory + "/qmp.sock" }
    public var serialLog: String { directory + "/serial.log" }
    public var pidFile: String { directory + "/qemu.pid" }

    /// The argv that starts `guest` daemonized under TCG (this machine's nested KVM hangs Linux
    /// guests); the QMP socket and serial log live in `directory`.
    public static func arguments(guest: TestGuest, directory: String, memoryMiB: Int = 256) -> [String] {
        [
            "-accel", "tcg", "-m", String(memoryMiB), "-nodefaults", "-display", "none", "-no-reboot",
            "-serial", "file:" + directory + "/serial.log",
            "-qmp", "unix:" + directory + "/qmp.sock,server=on,wait=off",
            "-daemonize", "-pidfile", directory + "/qemu.pid",
        ] + guest.qemuArguments
    }

    /// Starts QEMU and returns once it has daemonized (the QMP socket exists then).
    public static func start(
        guest: TestGuest, directory: String, runner: any CommandRunner = SubprocessRunner()
    ) async throws -> TestQemu {
        let command = Command("qemu-system-x86_64", arguments(guest: guest, directory: directory), timeout: .seconds(30))
        try await runner.run(command).checked()
        let text = try FileIO.readText(directory + "/qemu.pid")
        guard let pid = Int32(text.split(separator: "\n").first ?? "") else {
            throw CommandError.launchFailed(command, reason: "pid file holds '\(text)'")
        }
        return TestQemu(directory: directory, pid: pid)
    }

    private init(directory: String, pid: Int32) {
        self.directory = directory
        self.pid = pid
    }

    public var serialOutput: String { (try? FileIO.readText(serialLog)) ?? "" }

    /// Polls the serial log until it contains `marker`; false when `timeout` passes first.
    public func waitForSerial(_ marker: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if serialOutput.contains(marker) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return serialOutput.contains(marker)
    }

    /// True while the process exists and is not a zombie.
    public var isRunning: Bool {
        guard let stat = try? FileIO.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !isRunning
    }

    /// SIGKILL, if it still runs.
    public func kill() {
        if isRunning { Foundation.kill(pid, SIGKILL) }
    }
}
