#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport

/// A VM's QEMU process as the pid file and `/proc` show it. A pid counts only while its
/// command line carries `-pidfile <that file>`, so a recycled pid is never mistaken for the VM.
public struct QemuProcess: Sendable, Equatable {
    public let vmid: VMID
    public let pid: Int32
    public let pidFile: String

    /// The running process of `vmid`, or nil.
    public static func find(vmid: VMID, pidFile: String, proc: String = "/proc") -> QemuProcess? {
        guard let text = try? FileIO.readTextIfExists(pidFile),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        let process = QemuProcess(vmid: vmid, pid: pid, pidFile: pidFile)
        return process.isAlive(proc: proc) ? process : nil
    }

    public func isAlive(proc: String = "/proc") -> Bool {
        guard let stat = try? FileIO.readText("\(proc)/\(pid)/stat"), let close = stat.lastIndex(of: ")"),
            !stat[stat.index(after: close)...].hasPrefix(" Z")
        else { return false }
        return argument(after: "-pidfile", proc: proc) == pidFile
    }

    /// The word after `option` on the process's command line (`-cpu` → its model string).
    public func argument(after option: String, proc: String = "/proc") -> String? {
        guard let cmdline = try? FileIO.read("\(proc)/\(pid)/cmdline") else { return nil }
        let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let index = words.firstIndex(of: option), index + 1 < words.count else { return nil }
        return words[index + 1]
    }

    /// CPU ticks used, memory and start time from `/proc/<pid>/stat`.
    public func usage(proc: String = "/proc") -> ProcessUsage? {
        guard let stat = try? FileIO.readText("\(proc)/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name, counted from the state (field 3 of proc(5)).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 21, let user = UInt64(fields[11]), let system = UInt64(fields[12]),
            let start = Int(fields[19]), let virtual = Int(fields[20]), let pages = Int(fields[21])
        else { return nil }
        return ProcessUsage(
            ticks: user + system, residentBytes: pages * Int(sysconf(Int32(_SC_PAGESIZE))), virtualBytes: virtual, startTicks: start)
    }

    public func signal(_ number: Int32) { _ = kill(pid, number) }

    /// Waits until the process is gone; false when `timeout` passes first or the waiting task
    /// is cancelled (a stopped task must not spin on until the deadline).
    public func waitForExit(timeout: Duration, proc: String = "/proc") async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(proc: proc) {
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }
}

import FaroModel
import FaroSupport

/// What `/proc/<pid>/stat` says about a process's use of the host.
public struct ProcessUsage: Sendable, Equatable {
    /// CPU ticks used, user and system.
    public var ticks: UInt64
    public var residentBytes: Int
    /// The size of the address space (`vsize`).
    public var virtualBytes: Int
    /// When the process started, in ticks since boot.
    public var startTicks: Int

    public init(ticks: UInt64, residentBytes: Int, virtualBytes: Int, startTicks: Int) {
        self.ticks = ticks
        self.residentBytes = residentBytes
        self.virtualBytes = virtualBytes
        self.startTicks = startTicks
    }
}
