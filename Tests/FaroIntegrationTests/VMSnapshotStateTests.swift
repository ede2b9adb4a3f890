#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Snapshots of a running test guest through the daemon and `qm`: with RAM state (the guest
/// keeps running, and a rollback continues from the saved instant: a file written to its RAM
/// disk after the snapshot is gone again, with no new boot), live without RAM state, deletion
/// of a state snapshot, and a clear refusal by a disk that cannot be snapshotted.
@Suite(.serialized) struct VMSnapshotStateTests {
    static let missing = TestGuest.missingRequirements()

    @Test(.enabled(if: missing.isEmpty, "needs \(missing.joined(separator: ", "))"))
    func aRunningVMIsSnapshottedWithItsRAMAndContinuesFromIt() async throws {
        let guest = try await TestGuest.shared()
        let directory = try TemporaryDirectory(prefix: "faro-vmstate")
        defer { directory.remove() }
        let root = directory.path
        let pidFile = root + "/run/faro/qemu/210.pid"
        defer { Self.killQemu(pidFile) }
        let daemon = try DaemonProcess(root: root)
        try daemon.start()
        defer { daemon.kill() }
        func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }

        let args = "-kernel \(guest.kernel) -initrd \(guest.initramfs) -append '\(TestGuest.kernelCommandLine)'"
        let create = try qm("create", "210", "--memory", "256", "--kvm", "0", "--scsi0", "local:1,format=qcow2",
                            "--serial0", "socket", "--vga", "none", "--args", args)
        #expect(create.status == 0, "\(create.error)")
        #expect(try qm("start", "210").status == 0)
        var console = try SerialConsole(path: root + "/run/faro/qemu/210.serial0")
        #expect(console.wait(for: TestGuest.readyMarker, timeout: 90), "serial so far: \(console.text.suffix(500))")
        console.send("echo one > /tmp/state; echo SHELL-$((6*7))")
        #expect(console.wait(for: "SHELL-42", timeout: 20), "the guest's shell answers: \(console.text.suffix(300))")

        let snapshot = try qm("snapshot", "210", "withram", "--vmstate", "1", "--description", "with RAM")
        #expect(snapshot.status == 0, "\(snapshot.error)")
        let disk = root + "/var/lib/vz/images/210/vm-210-disk-0.qcow2"
        let state = root + "/var/lib/vz/images/210/vm-210-state-withram.raw"
        #expect(FileIO.exists(state), "the RAM state lands in a state volume")
        #expect(try qm("status", "210").output == "status: running\n", "the VM runs on after the snapshot")
        let section = try qm("listsnapshot", "210", "--output-format", "json").output
        #expect(section.contains("\"vmstate\":1"), "\(section)")
        let snapshotConfig = try Shell.faro(root, ["pvesh", "get", "/nodes/testnode/qemu/210/snapshot/withram/config",
                                                   "--output-format", "json"]).output
        #expect(snapshotConfig.contains("\"vmstate\":\"local:210/vm-210-state-withram.raw\""), "\(snapshotConfig)")
        #expect(snapshotConfig.contains("\"runningmachine\":\"pc-i440fx-"), "\(snapshotConfig)")
        #expect(snapshotConfig.contains("\"runningcpu\":\"kvm64"), "\(snapshotConfig)")
        #expect(try Self.qcow2Snapshots(disk).contains("withram"))

        console.send("echo two > /tmp/state; echo AFTER-$(cat /tmp/state)")
        #expect(console.wait(for: "AFTER-two", timeout: 20), "the guest goes on after the snapshot: \(console.text.suffix(300))")

        let live = try qm("snapshot", "210", "live")
        #expect(live.status == 0, "a running VM's disks are snapshotted live: \(live.error)")
        #expect(try Self.qcow2Snapshots(disk).contains("live"))
        #expect(!FileIO.exists(root + "/var/lib/vz/images/210/vm-210-state-live.raw"))

        let rollback = try qm("rollback", "210", "withram")
        #expect(rollback.status == 0, "\(rollback.error)")
        #expect(try qm("status", "210").output == "status: running\n", "a rollback to RAM state continues the VM")
        console = try SerialConsole(path: root + "/run/faro/qemu/210.serial0")
        console.send("echo RESTORED-$(cat /tmp/state)")
        #expect(console.wait(for: "RESTORED-one", timeout: 30), "the RAM is the snapshot's: \(console.text.suffix(300))")
        #expect(!console.text.contains(TestGuest.readyMarker), "the guest did not boot again")

        let delete = try qm("delsnapshot", "210", "withram")
        #expect(delete.status == 0, "\(delete.error)")
        #expect(!FileIO.exists(state), "deleting the snapshot removes its state volume")
        #expect(try !Self.qcow2Snapshots(disk).contains("withram"))

        let stoppedRollback = try qm("rollback", "210", "live")
        #expect(stoppedRollback.status == 0, "\(stoppedRollback.error)")
        #expect(try qm("status", "210").output == "status: stopped\n", "a rollback without RAM state leaves the VM stopped")

        #expect(try qm("set", "210", "--scsi1", "local:1").status == 0)
        #expect(try qm("start", "210").status == 0)
        let refused = try qm("snapshot", "210", "raw", "--vmstate", "1")
        #expect(refused.status != 0)
        #expect(refused.error.contains("snapshots of 'raw' volumes"), "\(refused.error)")
        #expect(!FileIO.exists(root + "/var/lib/vz/images/210/vm-210-state-raw.raw"), "no state volume is left behind")
        #expect(try !Self.qcow2Snapshots(disk).contains("raw"), "the qcow2 snapshot taken first is undone")
        let after = try qm("config", "210", "--output-format", "json").output
        #expect(!after.contains("\"lock\""), "\(after)")
        #expect(try qm("status", "210").output == "status: running\n")
        #expect(try qm("stop", "210").status == 0)
        #expect(try qm("destroy", "210").status == 0)
    }

    /// The snapshot names in a qcow2 image (`-U`: QEMU may hold it open).
    static func qcow2Snapshots(_ path: String) throws -> String {
        try Shell.run("/usr/bin/qemu-img", ["snapshot", "-U", "-l", path]).output
    }

    static func killQemu(_ pidFile: String) {
        if let text = try? FileIO.readText(pidFile), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }
}
