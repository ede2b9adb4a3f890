#if canImport(Glibc)
import Glibc
#endif
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Disks of a real VM through the daemon and `qm`: a live move of a running VM's disk (QEMU
/// mirrors it into the new volume), unlink, template, linked and full clones, destroy.
@Suite(.serialized) struct VMDiskTests {
    static let missing = Executables.inPath("qemu-system-x86_64") ? [] : ["qemu-system-x86_64"]

    @Test(.enabled(if: missing.isEmpty, "needs qemu-system-x86_64"))
    func liveMoveUnlinkTemplateAndClonesThroughQm() async throws {
        try await withDaemon { daemon in
            let root = daemon.root
            defer {
                if let text = try? FileIO.readText(root + "/run/faro/qemu/210.pid"),
                    let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    kill(pid, SIGKILL)
                }
            }
            func qm(_ arguments: String...) throws -> Shell.Result { try Shell.faro(root, ["qm"] + arguments) }
            func config(_ vmid: String) throws -> String { try qm("config", vmid, "--output-format", "json").output }
            let local = root + "/var/lib/vz/images", store2 = root + "/srv/store2"

            #expect(try qm("create", "210", "--kvm", "0", "--memory", "128", "--vga", "none", "--scsi0", "local:1", "--scsi1", "local:1")
                .status == 0)
            try await DiskPattern.write(0x33, into: local + "/210/vm-210-disk-0.raw")
            let add = try Shell.faro(root, ["pvesm", "add", "dir", "store2", "--path", store2, "--content", "images"])
            #expect(add.status == 0, "\(add.error)")
            #expect(try qm("start", "210").status == 0)

            let move = try qm("move-disk", "210", "scsi0", "store2", "--format", "qcow2")
            #expect(move.status == 0, "\(move.error)")
            #expect(move.output.contains("live"), "\(move.output)")
            #expect(try config("210").contains("\"scsi0\":\"store2:210/vm-210-disk-0.qcow2,size=1G\""))
            #expect(try config("210").contains("\"unused0\":\"local:210/vm-210-disk-0.raw\""))
            #expect(try qm("status", "210").output == "status: running\n")
            #expect(try qm("stop", "210").status == 0)
            let copy = root + "/moved.raw"
            try await SubprocessRunner().checked(["qemu-img", "convert", "-O", "raw", store2 + "/images/210/vm-210-disk-0.qcow2", copy])
            #expect(try await DiskPattern.holds(0x33, copy), "the mirror carried the data over")

            #expect(try qm("unlink", "210", "--idlist", "unused0", "--force", "1").status == 0)
            #expect(!FileIO.exists(local + "/210/vm-210-disk-0.raw"))
            #expect(try qm("unlink", "210", "--idlist", "scsi1").status == 0)
            #expect(try config("210").contains("\"unused0\":\"local:210/vm-210-disk-1.raw\""))

            #expect(try qm("template", "210").status == 0)
            #expect(try config("210").contains("\"scsi0\":\"store2:210/base-210-disk-0.qcow2,size=1G\""))
            #expect(try qm("start", "210").error.contains("you can't start a vm if it's a template"))
            let linked = try qm("clone", "210", "211", "--name", "linked")
            #expect(linked.status == 0, "\(linked.error)")
            #expect(try config("211").contains("\"scsi0\":\"store2:210/base-210-disk-0.qcow2/211/vm-211-disk-0.qcow2,size=1G\""))
            #expect(try config("211").contains("\"name\":\"linked\""))
            let full = try qm("clone", "210", "212", "--full", "--storage", "local", "--format", "raw")
            #expect(full.status == 0, "\(full.error)")
            #expect(try config("212").contains("\"scsi0\":\"local:212/vm-212-disk-0.raw,size=1G\""))
            #expect(try await DiskPattern.holds(0x33, local + "/212/vm-212-disk-0.raw"))
            #expect(try qm("clone", "210", "212").error.contains("VM 212 already exists"))

            #expect(try qm("destroy", "210").error.contains("still in use by linked clone"))
            for vmid in ["211", "212", "210"] { #expect(try qm("destroy", vmid).status == 0) }
            #expect(FileIO.listDirectory(store2 + "/images/210").isEmpty)
        }
    }
}
