#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// A running etcd as its pid file and `/proc` show it. A pid counts only while the process is
/// etcd with this member's `--data-dir` on its command line and not a zombie, so a recycled
/// pid, or an etcd that died while nobody reaps it (PID 1 here does not), is never taken for
/// the member.
public struct EtcdProcess: Sendable, Equatable {
    public let pid: Int32
    public let dataDirectory: String

    /// The member's running process, or nil.
    public static func find(pidFile: String, dataDirectory: String, proc: String = "/proc") -> EtcdProcess? {
        guard let text = try? FileIO.readTextIfExists(pidFile),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        let process = EtcdProcess(pid: pid, dataDirectory: dataDirectory)
        return process.isAlive(proc: proc) ? process : nil
    }

    public func isAlive(proc: String = "/proc") -> Bool {
        guard let stat = try? FileIO.readText("\(proc)/\(pid)/stat"), let close = stat.lastIndex(of: ")"),
            !stat[stat.index(after: close)...].hasPrefix(" Z"),
            let cmdline = try? FileIO.read("\(proc)/\(pid)/cmdline")
        else { return false }
        let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let program = words.first, program == "etcd" || program.hasSuffix("/etcd"),
            let index = words.firstIndex(of: "--data-dir"), index + 1 < words.count
        else { return false }
        return words[index + 1] == dataDirectory
    }

    public func signal(_ number: Int32) { _ = kill(pid, number) }

    /// Waits until the process is gone (or a zombie); false when `timeout` passes first.
    public func waitForExit(timeout: Duration, proc: String = "/proc") async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(proc: proc) {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }
}
