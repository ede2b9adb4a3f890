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

    /// A TPM 2.0 for real: `tpmstate0` gives a raw volume, swtpm runs beside QEMU while the
    /// guest runs and ends with it, the state is manufactured once and kept across restarts,
    /// and destroying the VM frees the volume.
    @Test(.enabled(if: missing.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/swtpm_setup"), "needs swtpm and the test guest"))
    func aTPMRunsBesideTheGuestAndKeepsItsState() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-tpm")
        defer { directory.remove() }
        let root = directory.path
        let run = root + "/run/faro/qemu"
        defer {
            for file in ["3302.pid", "3302.swtpm.pid"] {
                if let text = try? FileIO.readText(run + "/" + file), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    kill(pid, SIGKILL)
                }
            }
        }
        let daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }

        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }
        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        let create = try qm(
            "create", "3302", "--name", "tpm", "--memory", "256", "--kvm", "0", "--machine", "q35",
            "--tpmstate0", "local:1,version=v2.0", "--serial0", "socket", "--vga", "none", "--args", args)
        #expect(create.status == 0, "\(create.error)")
        let config = try qm("config", "3302").output
        #expect(config.contains("tpmstate0: local:3302/vm-3302-disk-0.raw,size=4M,version=v2.0"), "\(config)")
        #expect(try qm("showcmd", "3302").output.contains("tpm-tis,tpmdev=tpmdev"))

        let state = root + "/var/lib/vz/images/3302/vm-3302-disk-0.raw"
        var made: [UInt8] = []
        for round in 1...2 {
            let start = try qm("start", "3302")
            #expect(start.status == 0, "round \(round): \(start.error)")
            let console = try SerialConsole(path: run + "/3302.serial0")
            #expect(console.wait(for: TestGuest.readyMarker, timeout: 150), "serial so far: \(console.text.suffix(500))")
            let swtpm = try FileIO.readText(run + "/3302.swtpm.pid").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(FileIO.exists("/proc/\(swtpm)"), "swtpm runs beside the guest")
            #expect(try qm("stop", "3302").status == 0)
            #expect(!FileIO.exists(run + "/3302.swtpm"), "swtpm's socket is gone with the VM")
            if round == 1 { made = try FileIO.read(state) } else { #expect(try FileIO.read(state).count == made.count) }
        }
        #expect(made.contains { $0 != 0 }, "the TPM state was manufactured")
        let destroy = try qm("destroy", "3302")
        #expect(destroy.status == 0, "\(destroy.error)")
        #expect(!FileIO.exists(state))
    }
}
