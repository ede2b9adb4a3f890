import FaroAPI
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Clones on a real btrfs storage (a loop device): a full clone read from a snapshot
/// subvolume, templates refused while snapshots exist, linked clones as btrfs snapshots of the
/// base subvolume, and a disk moved from btrfs onto a directory storage.
@Suite(.serialized, .enabled(if: LoopFileSystem.unavailableReason(type: "btrfs") == nil, "btrfs on a loop device is not available here"))
struct QemuBtrfsCloneTests {
    typealias API = QemuAPITests

    @Test func snapshotCloneTemplateLinkedCloneAndMove() async throws {
        let fileSystem = try await LoopFileSystem(type: "btrfs")
        defer { fileSystem.unmount() }
        let node = try await TestNode()
        defer { node.remove() }
        let base = fileSystem.mountPoint + "/pve"
        try await node.store.write("storage.cfg", text: "btrfs: bt\n\tpath \(base)\n\tcontent images,rootdir\n\n")
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "bt:1"]) == "OK")
            let disk = base + "/images/100/vm-100-disk-0/disk.raw"
            try await DiskPattern.write(0x41, into: disk)
            #expect(try await API.task(node, client, .post, "/100/snapshot", ["snapname": "s1"]) == "OK")
            try await DiskPattern.write(0x42, into: disk)

            #expect(try await API.task(node, client, .post, "/100/clone", ["newid": "101", "snapname": "s1"]) == "OK")
            #expect(try await API.call(client, .get, "/101/config").data["scsi0"] == "bt:101/vm-101-disk-0.raw,size=1G")
            #expect(try await DiskPattern.holds(0x41, base + "/images/101/vm-101-disk-0/disk.raw"), "copied as it was at s1")

            #expect(try await API.call(client, .post, "/100/template").reason == "unable to create template, because VM contains snapshots")
            #expect(try await API.task(node, client, .delete, "/100/snapshot/s1") == "OK")
            #expect(try await API.task(node, client, .post, "/100/template") == "OK")
            #expect(try await API.call(client, .get, "/100/config").data["scsi0"] == "bt:100/base-100-disk-0.raw,size=1G")
            #expect(FileIO.isDirectory(base + "/images/100/base-100-disk-0"))

            #expect(try await API.task(node, client, .post, "/100/clone", ["newid": "102"]) == "OK")
            #expect(try await API.call(client, .get, "/102/config").data["scsi0"] == "bt:100/base-100-disk-0.raw/102/vm-102-disk-0.raw,size=1G")
            let linked = base + "/images/102/vm-102-disk-0"
            let show = try await SubprocessRunner().checked(["btrfs", "subvolume", "show", linked])
            #expect(show.contains("Parent UUID") && !show.contains("Parent UUID: \t\t-"), "a snapshot of the base: \(show)")
            #expect(try await DiskPattern.holds(0x42, linked + "/disk.raw"))

            #expect(try await API.task(node, client, .post, "/102/move_disk", ["disk": "scsi0", "storage": "local", "format": "qcow2", "delete": "1"]) == "OK")
            #expect(try await API.call(client, .get, "/102/config").data["scsi0"] == "local:102/vm-102-disk-0.qcow2,size=1G")
            #expect(!FileIO.exists(linked))
            for vmid in ["102", "101", "100"] { #expect(try await API.task(node, client, .delete, "/" + vmid) == "OK") }
            #expect(FileIO.listDirectory(base + "/images/100").isEmpty)
        }
    }
}
