import FaroModel
import FaroStorage
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The lvmthin plugin against real LVM on a loop device, where device-mapper works (it does
/// not on the CI machines, whose kernels lack it; there the recorded-output tests cover it).
@Suite(.serialized, .enabled(if: LVMAvailability.missing == nil, "real LVM needs device-mapper (/dev/mapper/control) and lvm2"))
struct RealLVMThinTests {
    @Test func thinVolumesSnapshotAndClone() async throws {
        let runner = SubprocessRunner()
        let directory = try TemporaryDirectory(prefix: "faro-lvm")
        let vg = "farotest\(UInt32.random(in: 0..<UInt32.max))"
        try await runner.checked(["truncate", "-s", "512M", directory.file("pv.img")])
        let loop = try await runner.checked(["losetup", "--find", "--show", directory.file("pv.img")]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer {
            _ = try? Process.run(URL(fileURLWithPath: "/sbin/vgremove"), arguments: ["-f", vg]).waitUntilExit()
            _ = try? Process.run(URL(fileURLWithPath: "/sbin/losetup"), arguments: ["-d", loop]).waitUntilExit()
            directory.remove()
        }
        try await runner.checked(["vgcreate", vg, loop])
        try await runner.checked(["lvcreate", "--type", "thin-pool", "-L", "256M", "--name", "data", vg])
        let plugin = try LVMThinPlugin(
            definition: StorageDefinition(type: "lvmthin", id: "thin", options: [("vgname", vg), ("thinpool", "data")]),
            context: StorageContext(runner: runner, nodeName: "test", paths: NodePaths(root: "/")))
        try await plugin.activate()
        let volname = try await plugin.allocate(vmid: VMID(100)!, name: nil, format: .raw, sizeKiB: 65536)
        #expect(volname == "vm-100-disk-0")
        #expect(try await plugin.info(volname).size == 64 << 20)
        try await plugin.snapshot(volname, name: "s1")
        try await plugin.rollback(volname, to: "s1")
        let base = try await plugin.createBase(volname)
        let clone = try await plugin.linkedClone(base, vmid: VMID(101)!)
        #expect(try await plugin.listVolumes(content: nil, vmid: nil).map(\.volid.name).sorted() == [base, clone].sorted())
        try await plugin.free(clone)
        #expect(try await plugin.status().active)
    }
}

/// What this machine lacks for real LVM, or nil.
enum LVMAvailability {
    static var missing: String? {
        if !FileManager.default.fileExists(atPath: "/dev/mapper/control") { return "device-mapper (/dev/mapper/control)" }
        if !FileManager.default.fileExists(atPath: "/sbin/lvcreate") && !FileManager.default.fileExists(atPath: "/usr/sbin/lvcreate") {
            return "the LVM tools (lvm2)"
        }
        return LoopFileSystem.unavailableReason(type: "ext4")
    }
}
