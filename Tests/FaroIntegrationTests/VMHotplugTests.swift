#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// NIC hotplug for real (issue 21 part 5): a running TCG guest gets a virtio NIC on a bridge
/// through `qm set` (the tap is on the bridge, QEMU has the device, nothing waits as pending),
/// and loses it again through `qm set --delete`, the guest releasing it over ACPI.
@Suite(.serialized) struct VMHotplugTests {
    static let missing = TestGuest.missingRequirements()

    @Test(.enabled(if: missing.isEmpty, "needs \(missing.joined(separator: ", "))"))
    func aNICIsPluggedInAndOutOfARunningGuest() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-hotplug")
        defer { directory.remove() }
        let root = directory.path
        let bridge = "fhp\(getpid() % 100_000)"
        _ = try Shell.run("/usr/sbin/ip", ["link", "add", bridge, "type", "bridge"])
        defer { _ = try? Shell.run("/usr/sbin/ip", ["link", "delete", bridge]) }
        _ = try Shell.run("/usr/sbin/ip", ["link", "set", bridge, "up"])
        let pidFile = root + "/run/faro/qemu/3303.pid"
        defer {
            if let text = try? FileIO.readText(pidFile), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
            _ = try? Shell.run("/usr/sbin/ip", ["link", "delete", "tap3303i1"])
        }
        let daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }

        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }
        func monitor(_ command: String) throws -> String {
            try Shell.run(DaemonProcess.binaryPath(), ["--root", root, "qm", "monitor", "3303"], input: command + "\nquit\n").output
        }
        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        let create = try qm("create", "3303", "--name", "hotplug", "--memory", "256", "--kvm", "0", "--serial0", "socket",
                            "--vga", "none", "--args", args)
        #expect(create.status == 0, "\(create.error)")
        #expect(try qm("start", "3303").status == 0)
        let console = try SerialConsole(path: root + "/run/faro/qemu/3303.serial0")
        #expect(console.wait(for: TestGuest.readyMarker, timeout: 150), "serial so far: \(console.text.suffix(500))")

        let plugged = try qm("set", "3303", "--net1", "virtio=BC:24:11:33:03:01,bridge=\(bridge)")
        #expect(plugged.status == 0, "\(plugged.error)")
        #expect(try qm("config", "3303").output.contains("net1: virtio=BC:24:11:33:03:01,bridge=\(bridge)"))
        #expect(!(try qm("pending", "3303").output.contains("new net1")), "nothing waits for a restart")
        #expect(FileIO.exists("/sys/class/net/\(bridge)/brif/tap3303i1"), "the tap is on the bridge")
        #expect(try monitor("info network").contains("net1:"), "QEMU has the NIC")

        let unplugged = try qm("set", "3303", "--delete", "net1")
        #expect(unplugged.status == 0, "\(unplugged.error)")
        #expect(!(try qm("config", "3303").output.contains("net1")))
        #expect(!(try monitor("info network").contains("net1:")), "QEMU let go of the NIC")
        #expect(!FileIO.exists("/sys/class/net/tap3303i1"), "the tap is gone")

        #expect(try qm("stop", "3303").status == 0)
        #expect(try qm("destroy", "3303").status == 0)
    }
}
