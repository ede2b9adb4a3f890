import FaroAPI
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Moving disks of a stopped VM (real qemu-img) and unlinking them.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img"), "needs qemu-img"))
struct QemuMoveDiskAPITests {
    typealias API = QemuAPITests

    @Test func moveKeepsTheOldVolumeAsUnusedOrDeletesIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let store2 = try await QemuCloneAPITests.addStorages(node)
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", [
                "vmid": "100", "scsi0": "local:1,discard=on", "scsi1": "local:1", "ide2": "none,media=cdrom",
            ]) == "OK")
            try await DiskPattern.write(0x5A, into: images + "/100/vm-100-disk-0.raw")
            #expect(try await API.task(node, client, .post, "/100/move_disk", ["disk": "scsi0", "storage": "store2", "format": "qcow2"]) == "OK")
            var config = try await API.call(client, .get, "/100/config").data
            #expect(config["scsi0"] == "store2:100/vm-100-disk-0.qcow2,discard=on,size=1G")
            #expect(config["unused0"] == "local:100/vm-100-disk-0.raw")
            let converted = node.directory.path + "/copy.raw"
            try await SubprocessRunner().checked(["qemu-img", "convert", "-O", "raw", store2 + "/images/100/vm-100-disk-0.qcow2", converted])
            #expect(try await DiskPattern.holds(0x5A, converted))

            #expect(try await API.task(node, client, .post, "/100/move_disk", ["disk": "scsi1", "storage": "store2", "delete": "1"]) == "OK")
            config = try await API.call(client, .get, "/100/config").data
            #expect(config["scsi1"] == "store2:100/vm-100-disk-1.raw,size=1G")
            #expect(QemuCloneAPITests.files(images + "/100") == ["vm-100-disk-0.raw"])

            #expect(try await API.task(node, client, .post, "/100/move_disk", ["disk": "unused0", "storage": "store2", "delete": "1"]) == "OK")
            config = try await API.call(client, .get, "/100/config").data
            #expect(config["unused0"] == "store2:100/vm-100-disk-2.raw")
            #expect(QemuCloneAPITests.files(images + "/100").isEmpty)
        }
    }

    @Test func badMovesAreRefusedAndChangeNothing() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await QemuCloneAPITests.addStorages(node)
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1", "ide2": "none,media=cdrom"]) == "OK")
            let digest = try await API.call(client, .get, "/100/config").data["digest"]!.stringValue!
            #expect(try await API.call(client, .put, "/100/config", ["cores": "2"]).status == 200)

            let stale = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0", "storage": "store2", "digest": digest])
            #expect(stale.reason == "detected modified configuration - file changed by other user? Try again.")
            let absent = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi3", "storage": "store2"])
            #expect(absent.errors?["disk"] == "disk 'scsi3' does not exist")
            let cdrom = try await API.call(client, .post, "/100/move_disk", ["disk": "ide2", "storage": "store2"])
            #expect(cdrom.reason == "you can't move a cdrom")
            let same = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0", "storage": "local"])
            #expect(same.reason == "you can't move to the same storage with same format")
            let noImages = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0", "storage": "isos"])
            #expect(noImages.errors?["storage"] == "storage 'isos' does not support content-type 'images'")
            let noStorage = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0"])
            #expect(noStorage.status == 400)
            let otherVM = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0", "target-vmid": "101"])
            #expect(otherVM.errors?["target-vmid"] != nil)

            #expect(try await API.call(client, .put, "/100/config", ["lock": "backup"]).status == 200)
            let locked = try await API.call(client, .post, "/100/move_disk", ["disk": "scsi0", "storage": "store2"])
            #expect(locked.reason == "VM is locked (backup)")
            #expect(try await API.call(client, .put, "/100/config", ["delete": "lock", "skiplock": "1"]).status == 200)
            #expect(try await API.call(client, .get, "/100/config").data["scsi0"] == "local:100/vm-100-disk-0.raw,size=1G")
            #expect(QemuCloneAPITests.files(images + "/100") == ["vm-100-disk-0.raw"])
        }
    }

    @Test func unlinkDetachesOrDestroys() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1", "scsi1": "local:1", "scsi2": "local:1"]) == "OK")
            #expect(try await API.call(client, .put, "/100/unlink", ["idlist": "scsi1"]).status == 200)
            var config = try await API.call(client, .get, "/100/config").data
            #expect(config["scsi1"] == nil)
            #expect(config["unused0"] == "local:100/vm-100-disk-1.raw")
            #expect(try await API.call(client, .put, "/100/unlink", ["idlist": "scsi2,unused0", "force": "1"]).status == 200)
            config = try await API.call(client, .get, "/100/config").data
            #expect(config["scsi2"] == nil)
            #expect(config["unused0"] == nil)
            #expect(QemuCloneAPITests.files(images + "/100") == ["vm-100-disk-0.raw"])

            #expect(try await API.call(client, .put, "/100/unlink", ["idlist": "cores"]).errors?["idlist"] == "'cores' is not a disk")
            #expect(try await API.call(client, .put, "/100/unlink", ["idlist": "scsi0,scsi9"]).errors?["idlist"]
                == "disk 'scsi9' does not exist")
            #expect(try await API.call(client, .get, "/100/config").data["scsi0"] == "local:100/vm-100-disk-0.raw,size=1G")
        }
    }
}
