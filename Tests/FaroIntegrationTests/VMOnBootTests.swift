#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// `onboot` VMs start when the daemon starts, in `startup` order with the `up=` pause after
/// each; one that already runs is adopted, not started again; the others stay stopped.
@Suite(.serialized) struct VMOnBootTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-system-x86_64"), "needs qemu-system-x86_64"))
    func onbootVMsStartInStartupOrder() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-onboot")
        defer { directory.remove() }
        let root = directory.path
        let vmids = [220, 221, 222, 223]
        defer { for vmid in vmids { Self.killQemu(root, vmid) } }
        var daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }
        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }

        let common = ["--kvm", "0", "--memory", "64", "--vga", "none"]
        for (vmid, extra) in [(220, ["--onboot", "1", "--startup", "order=2"]), (221, ["--onboot", "1", "--startup", "order=1,up=3"]),
                              (222, ["--onboot", "1"]), (223, [])] {
            let create = try Shell.faro(root, ["qm", "create", "\(vmid)"] + common + extra)
            #expect(create.status == 0, "\(create.error)")
        }
        #expect(try qm("status", "220").output == "status: stopped\n", "onboot acts only when the daemon starts")
        #expect(try qm("start", "222").status == 0)
        let adopted = Self.pid(root, 222)

        daemon.kill()
        daemon = try DaemonProcess(root: root)
        try daemon.start()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try qm("status", "220").output != "status: running\n" {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try qm("status", "221").output == "status: running\n")
        #expect(try qm("status", "220").output == "status: running\n", "daemon log: \(daemon.log.suffix(800))")
        #expect(try qm("status", "223").output == "status: stopped\n")
        #expect(Self.pid(root, 222) == adopted, "a VM that runs already is adopted, not restarted")
        if let first = Self.startTicks(root, 221), let second = Self.startTicks(root, 220) {
            let ticksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))
            #expect(second - first >= 3 * ticksPerSecond - ticksPerSecond / 10, "order=1 first, then up=3 seconds' wait")
        } else {
            Issue.record("no process start times")
        }
        for vmid in [220, 221, 222] { #expect(try qm("stop", "\(vmid)").status == 0) }
    }

    static func pid(_ root: String, _ vmid: Int) -> Int32? {
        (try? FileIO.readText(root + "/run/faro/qemu/\(vmid).pid")).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// When the process started, in clock ticks since boot (`/proc/<pid>/stat` field 22).
    static func startTicks(_ root: String, _ vmid: Int) -> Int? {
        guard let pid = pid(root, vmid), let stat = try? FileIO.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? Int(fields[19]) : nil
    }

    static func killQemu(_ root: String, _ vmid: Int) {
        if let pid = pid(root, vmid) { kill(pid, SIGKILL) }
    }
}
