import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// A NIC on a real bridge: the daemon runs in a network namespace of its own (so the host's
/// network stays untouched) that holds a bridge; starting the VM plugs `tap<vmid>i0` into
/// it, stopping removes the tap again.
@Suite(.serialized) struct VMBridgeTests {
    static let namespace = "faro-vmtest-\(getpid())"

    static func ip(_ arguments: [String]) -> Shell.Result? { try? Shell.run("/usr/sbin/ip", arguments) }

    static let canUseNamespaces: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-system-x86_64"),
            ip(["netns", "add", namespace])?.status == 0
        else { return false }
        _ = ip(["netns", "del", namespace])
        return true
    }()

    @Test(.enabled(if: canUseNamespaces, "needs ip netns (root) and qemu-system-x86_64"))
    func tapJoinsTheBridgeAndGoesAwayOnStop() async throws {
        #expect(Self.ip(["netns", "add", Self.namespace])?.status == 0)
        defer { _ = Self.ip(["netns", "del", Self.namespace]) }
        let inside = ["-n", Self.namespace]
        #expect(Self.ip(inside + ["link", "set", "lo", "up"])?.status == 0)
        #expect(Self.ip(inside + ["link", "add", "vmbr0", "type", "bridge"])?.status == 0)
        #expect(Self.ip(inside + ["link", "set", "vmbr0", "up"])?.status == 0)

        let directory = try TemporaryDirectory(prefix: "faro-br")
        defer { directory.remove() }
        let pidFile = directory.path + "/run/faro/qemu/202.pid"
        defer {
            if let text = try? FileIO.readText(pidFile), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
        }
        let daemon = try DaemonProcess(root: directory.path, launcher: ["/usr/sbin/ip", "netns", "exec", Self.namespace])
        try daemon.start()
        defer { daemon.kill() }
        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(directory.path, ["qm"] + arguments) }

        #expect(try qm("create", "202", "--kvm", "0", "--memory", "64", "--vga", "none", "--net0", "virtio,bridge=vmbr0").status == 0)
        let start = try qm("start", "202")
        #expect(start.status == 0, "\(start.error)")
        let master = Self.ip(inside + ["-o", "link", "show", "tap202i0"])?.output ?? ""
        #expect(master.contains("master vmbr0"), "\(master)")
        // Pinging an address behind the bridge floods ARP requests out of the tap, which the
        // VM's `netin` counts.
        #expect(Self.ip(inside + ["addr", "add", "10.77.0.1/24", "dev", "vmbr0"])?.status == 0)
        _ = Self.ip(["netns", "exec", Self.namespace, "ping", "-c", "2", "-i", "0.3", "-W", "1", "10.77.0.2"])
        let current = try Shell.faro(directory.path, ["pvesh", "get", "/nodes/testnode/qemu/202/status/current", "--output-format", "json"])
        let figures = try JSONParser.parse(current.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect((figures["netin"]?.intValue ?? 0) > 0, "\(current.output)")
        #expect(try qm("stop", "202").status == 0)
        #expect(Self.ip(inside + ["link", "show", "tap202i0"])?.status != 0, "the tap is gone after stop")

        #expect(try qm("start", "202").status == 0)
        let pid = Int32(try FileIO.readText(pidFile).trimmingCharacters(in: .whitespacesAndNewlines))!
        kill(pid, SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try qm("status", "202").output == "status: stopped\n", "a killed QEMU is reported stopped")
        #expect(!FileIO.exists(pidFile), "and its leftovers are cleaned up")
        #expect(Self.ip(inside + ["link", "show", "tap202i0"])?.status != 0)
    }
}
