#if canImport(Glibc)
import Glibc
#endif
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// `onboot` containers start when the real daemon starts, in `startup` order with the `up=`
/// pause after each; the others stay stopped.
@Suite(.serialized) struct CTOnBootTests {
    static let missing: String? = {
        if getuid() != 0 { return "root" }
        for tool in ["lxc-start", "lxc-info", "lxc-stop"] where !Executables.inPath(tool) { return "\(tool) (Debian package lxc)" }
        return BusyboxTemplate.missing
    }()

    @Test(.enabled(if: missing == nil, Comment(rawValue: "needs \(missing ?? "nothing")")))
    func onbootContainersStartInStartupOrder() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-ctboot")
        defer { directory.remove() }
        let root = directory.path
        chmod(root, 0o755)
        let vmids = [266, 267, 268]
        defer { Self.cleanUp(root, vmids) }
        let cache = root + "/var/lib/vz/template/cache"
        try FileIO.makeDirectory(cache)
        try FileManager.default.copyItem(atPath: try await BusyboxTemplate.archive(), toPath: cache + "/" + BusyboxTemplate.fileName)
        var daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }
        func pct(_ arguments: [String]) throws -> Shell.Result { try Shell.faro(root, ["pct"] + arguments) }

        for (vmid, extra) in [(266, ["--onboot", "1", "--startup", "order=2"]), (267, ["--onboot", "1", "--startup", "order=1,up=3"]), (268, [])] {
            let create = try pct(["create", "\(vmid)", "local:vztmpl/\(BusyboxTemplate.fileName)", "--rootfs", "local:0",
                "--ostype", "alpine", "--memory", "64"] + extra)
            #expect(create.status == 0, "\(create.error)")
        }
        #expect(try pct(["status", "266"]).output == "status: stopped\n", "onboot acts only when the daemon starts")

        daemon.kill()
        daemon = try DaemonProcess(root: root)
        try daemon.start()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try pct(["status", "266"]).output != "status: running\n" {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try pct(["status", "266"]).output == "status: running\n", "daemon log: \(daemon.log.suffix(800))")
        #expect(try pct(["status", "267"]).output == "status: running\n")
        #expect(try pct(["status", "268"]).output == "status: stopped\n")
        if let first = Self.startTicks(root, 267), let second = Self.startTicks(root, 266) {
            let ticksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))
            #expect(second - first >= 3 * ticksPerSecond - ticksPerSecond / 10, "order=1 first, then up=3 seconds' wait")
        } else {
            Issue.record("no init process start times")
        }
        for vmid in [266, 267] { #expect(try pct(["stop", "\(vmid)"]).status == 0) }
    }

    /// When the container's init started, in clock ticks since boot (`/proc/<pid>/stat` field 22).
    static func startTicks(_ root: String, _ vmid: Int) -> Int? {
        let info = try? Shell.run("/usr/bin/lxc-info", ["-P", root + "/var/lib/faro/lxc", "-n", "\(vmid)", "-p", "-H"])
        guard let pid = info.flatMap({ Int($0.output.trimmingCharacters(in: .whitespacesAndNewlines)) }),
            let stat = try? FileIO.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? Int(fields[19]) : nil
    }

    /// Kills what the test started and unmounts the rootfs, also after a failure.
    static func cleanUp(_ root: String, _ vmids: [Int]) {
        for vmid in vmids {
            _ = try? Shell.run("/usr/bin/lxc-stop", ["-P", root + "/var/lib/faro/lxc", "-n", "\(vmid)", "--kill"])
            _ = try? Shell.run("/usr/bin/umount", [root + "/var/lib/faro/lxc/\(vmid)/rootfs"])
        }
    }
}
