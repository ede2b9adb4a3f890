#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// A real VM through the real daemon and `qm`: create with a disk on `local`, boot the test
/// guest under TCG (kernel and initramfs through `args`, which root may set), see it run and
/// print its marker on serial0, survive a daemon kill (re-adoption), take a pending change,
/// shut down through ACPI, and be destroyed with its disk. QEMU is killed even on failure.
@Suite(.serialized) struct VMLifecycleTests {
    static let missing = TestGuest.missingRequirements()

    @Test(.enabled(if: missing.isEmpty, "needs \(missing.joined(separator: ", "))"))
    func bootShutdownAndDestroyAThroughTheDaemon() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-vm")
        defer { directory.remove() }
        let root = directory.path
        let pidFile = root + "/run/faro/qemu/200.pid"
        defer {
            if let text = try? FileIO.readText(pidFile), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
        }
        var daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }

        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }
        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        let create = try qm("create", "200", "--name", "guest", "--memory", "256", "--kvm", "0", "--scsi0", "local:1",
                            "--serial0", "socket", "--vga", "none", "--args", args)
        #expect(create.status == 0, "\(create.error)")
        #expect(FileIO.exists(root + "/var/lib/vz/images/200/vm-200-disk-0.raw"))

        let start = try qm("start", "200")
        #expect(start.status == 0, "\(start.error)")
        #expect(try qm("status", "200").output == "status: running\n")
        let console = try SerialConsole(path: root + "/run/faro/qemu/200.serial0")
        #expect(console.wait(for: TestGuest.readyMarker, timeout: 90), "serial so far: \(console.text.suffix(500))")
        #expect(try qm("start", "200").error.contains("VM 200 already running"))

        daemon.kill()
        daemon = try DaemonProcess(root: root)
        try daemon.start()
        #expect(try qm("status", "200").output == "status: running\n", "the new daemon re-adopts the VM")
        let resources = try Shell.faro(root, ["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
        #expect(resources.output.contains("\"status\":\"running\""))

        #expect(try qm("set", "200", "--memory", "300").status == 0)
        let pending = try qm("pending", "200", "--output-format", "json")
        #expect(pending.output.contains("\"pending\":\"300\""), "\(pending.output)")

        let shutdown = try qm("shutdown", "200", "--timeout", "60")
        #expect(shutdown.status == 0, "\(shutdown.error)")
        #expect(console.wait(for: TestGuest.poweroffMarker, timeout: 5))
        #expect(try qm("status", "200").output == "status: stopped\n")
        #expect(!FileIO.exists(pidFile))
        let config = try qm("config", "200", "--output-format", "json")
        #expect(config.output.contains("\"memory\":\"300\""), "pending change applied after the shutdown: \(config.output)")

        let destroy = try qm("destroy", "200")
        #expect(destroy.status == 0, "\(destroy.error)")
        #expect(!FileIO.exists(root + "/var/lib/vz/images/200/vm-200-disk-0.raw"))
        #expect(try qm("status", "200").status != 0)
    }

    @Test func aNICOnAMissingBridgeFailsToStartClearly() async throws {
        try await withDaemon { daemon in
            let create = try Shell.faro(daemon.root, ["qm", "create", "201", "--kvm", "0", "--net0", "virtio,bridge=vmbr77"])
            #expect(create.status == 0, "\(create.error)")
            let start = try Shell.faro(daemon.root, ["qm", "start", "201"])
            #expect(start.status != 0)
            #expect(start.error.contains("bridge 'vmbr77' does not exist (needed by net0)"), "\(start.error)")
            #expect(try Shell.faro(daemon.root, ["qm", "status", "201"]).output == "status: stopped\n")
        }
    }
}
