#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// A UEFI VM for real: `bios: ovmf` on q35 with a 4m EFI disk (the Secure Boot build of OVMF)
/// boots the test guest's kernel under TCG through the daemon, and destroying the VM frees the
/// EFI disk with the other disks.
@Suite(.serialized) struct VMFirmwareTests {
    static let missing = TestGuest.missingRequirements()
        + (FileManager.default.fileExists(atPath: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd") ? [] : ["ovmf"])

    @Test(.enabled(if: missing.isEmpty, "needs \(missing.joined(separator: ", "))"))
    func uefiGuestBootsFromItsEFIDisk() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-uefi")
        defer { directory.remove() }
        let root = directory.path
        let pidFile = root + "/run/faro/qemu/210.pid"
        defer {
            if let text = try? FileIO.readText(pidFile), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
        }
        let daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }

        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }
        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        let create = try qm(
            "create", "210", "--name", "uefi", "--memory", "256", "--kvm", "0", "--bios", "ovmf", "--machine", "q35",
            "--efidisk0", "local:1,efitype=4m", "--serial0", "socket", "--vga", "none", "--args", args)
        #expect(create.status == 0, "\(create.error)")
        let efiDisk = root + "/var/lib/vz/images/210/vm-210-disk-0.raw"
        #expect((try? FileIO.read(efiDisk)) == (try? FileIO.read("/usr/share/OVMF/OVMF_VARS_4M.fd")))

        let showcmd = try qm("showcmd", "210")
        #expect(showcmd.output.contains("OVMF_CODE_4M.secboot.fd"))
        let start = try qm("start", "210")
        #expect(start.status == 0, "\(start.error)")
        let console = try SerialConsole(path: root + "/run/faro/qemu/210.serial0")
        #expect(console.wait(for: TestGuest.readyMarker, timeout: 150), "serial so far: \(console.text.suffix(500))")

        #expect(try qm("stop", "210").status == 0)
        #expect(try qm("status", "210").output == "status: stopped\n")
        let destroy = try qm("destroy", "210")
        #expect(destroy.status == 0, "\(destroy.error)")
        #expect(!FileIO.exists(efiDisk))
    }
}
