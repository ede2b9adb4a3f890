import FaroAPI
import FaroModel
import HummingbirdTesting
import Foundation
import Testing

/// Snapshots of a stopped VM with a qcow2 disk on `local` (real qemu-img).
@Suite struct QemuSnapshotAPITests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img"), "needs qemu-img"))
    func snapshotRollbackAndDelete() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            typealias API = QemuAPITests
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "cores": "1", "scsi0": "local:1,format=qcow2"]) == "OK")
            #expect(try await API.task(node, client, .post, "/100/snapshot", ["snapname": "before", "description": "clean"]) == "OK")
            let list = try await API.call(client, .get, "/100/snapshot")
            #expect(list.data.arrayValue?.map { $0["name"] } == ["before", "current"])
            #expect(list.data.arrayValue?.last?["parent"] == "before")
            #expect(list.data.arrayValue?.first?["description"] == "clean")
            let duplicate = try await API.call(client, .post, "/100/snapshot", ["snapname": "before"])
            #expect(try await node.services.tasks.wait(UPID(duplicate.data.stringValue ?? "")!).status == "snapshot name 'before' already used")

            #expect(try await API.call(client, .put, "/100/config", ["cores": "4"]).status == 200)
            #expect(try await API.call(client, .get, "/100/snapshot/before/config").data["cores"] == 1)
            #expect(try await API.task(node, client, .post, "/100/snapshot/before/rollback") == "OK")
            let config = try await API.call(client, .get, "/100/config")
            #expect(config.data["cores"] == 1)
            #expect(config.data["lock"] == nil)
            #expect(config.data["parent"] == "before")

            #expect(try await API.task(node, client, .delete, "/100/snapshot/before") == "OK")
            #expect(try await API.call(client, .get, "/100/snapshot").data.arrayValue?.map { $0["name"] } == ["current"])
            #expect(try await API.call(client, .get, "/100/config").data["parent"] == nil)
            #expect(try await API.call(client, .get, "/100/snapshot/before/config").reason == "snapshot 'before' does not exist")
        }
    }

    static func feature(_ client: any TestClientProtocol, _ vmid: Int, _ name: String, _ snapname: String? = nil) async throws -> JSONValue {
        var parameters = ["feature": name]
        parameters["snapname"] = snapname
        let reply = try await QemuAPITests.call(client, .get, "/\(vmid)/feature", parameters)
        #expect(reply.status == 200, "\(reply.reason)")
        return reply.data
    }

    /// `feature` answers what the disks' storage can do: qcow2 on a directory snapshots and
    /// copies; a linked clone needs a template; a host path or an unknown storage can do nothing.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img"), "needs qemu-img"))
    func featureFollowsTheDisks() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            typealias API = QemuAPITests
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1,format=qcow2", "ide2": "none,media=cdrom"]) == "OK")
            let snapshot = try await QemuSnapshotAPITests.feature(client, 100, "snapshot")
            #expect(snapshot["hasFeature"] == true)
            #expect(snapshot["nodes"]?.arrayValue == ["testnode"])
            #expect(try await QemuSnapshotAPITests.feature(client, 100, "copy")["hasFeature"] == true)
            #expect(try await QemuSnapshotAPITests.feature(client, 100, "clone")["hasFeature"] == false, "a linked clone needs a template")
            #expect(try await API.task(node, client, .post, "/100/snapshot", ["snapname": "s1"]) == "OK")
            #expect(try await QemuSnapshotAPITests.feature(client, 100, "copy", "s1")["hasFeature"] == true, "qcow2 is read at an internal snapshot")
            #expect(try await API.call(client, .get, "/100/feature", ["feature": "copy", "snapname": "nope"]).reason == "snapshot 'nope' does not exist")
            #expect(try await API.call(client, .get, "/100/feature", ["feature": "migrate"]).status == 400)
            #expect(try await API.call(client, .get, "/100/feature").status == 400, "feature is required")

            #expect(try await API.task(node, client, .post, "", ["vmid": "101", "scsi0": "local:1"]) == "OK")
            #expect(try await QemuSnapshotAPITests.feature(client, 101, "snapshot")["hasFeature"] == false, "raw files have no snapshots")
            #expect(try await QemuSnapshotAPITests.feature(client, 101, "copy")["hasFeature"] == true)
            #expect(try await API.task(node, client, .post, "/101/template") == "OK")
            #expect(try await QemuSnapshotAPITests.feature(client, 101, "clone")["hasFeature"] == true, "a template's base volume is cloned as a qcow2 overlay")

            #expect(try await API.task(node, client, .post, "", ["vmid": "102", "scsi0": "/dev/null"]) == "OK")
            #expect(try await QemuSnapshotAPITests.feature(client, 102, "copy")["hasFeature"] == false, "a host path is no storage volume")
        }
    }

    @Test func aStorageThatCannotSnapshotFailsAndLeavesNoLock() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            typealias API = QemuAPITests
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1"]) == "OK")
            let status = try await API.task(node, client, .post, "/100/snapshot", ["snapname": "s1"])
            #expect(status.contains("not supported"), "\(status)")
            let config = try await API.call(client, .get, "/100/config")
            #expect(config.data["lock"] == nil)
            #expect(config.data["parent"] == nil)
            #expect(try await API.call(client, .get, "/100/snapshot").data.arrayValue?.count == 1)
        }
    }
}

@Suite struct QemuResizeAPITests {
    @Test func growsButNeverShrinks() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            typealias API = QemuAPITests
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1", "ide2": "none,media=cdrom"]) == "OK")
            #expect(try await API.task(node, client, .put, "/100/resize", ["disk": "scsi0", "size": "+1G"]) == "OK")
            #expect(try await API.call(client, .get, "/100/config").data["scsi0"] == "local:100/vm-100-disk-0.raw,size=2G")
            let path = node.directory.path + "/var/lib/vz/images/100/vm-100-disk-0.raw"
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.size] as? NSNumber)?.intValue == 2 << 30)
            #expect(try await API.task(node, client, .put, "/100/resize", ["disk": "scsi0", "size": "1G"]) == "shrinking disks is not supported")
            #expect(try await API.task(node, client, .put, "/100/resize", ["disk": "ide2", "size": "+1G"]).contains("cdrom"))
            #expect(try await API.call(client, .put, "/100/resize", ["disk": "scsi0", "size": "big"]).status == 400)
        }
    }
}
