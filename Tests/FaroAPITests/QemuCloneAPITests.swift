import FaroAPI
import FaroAccess
import FaroModel
import FaroQemu
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Templates and clones through the API with real qemu-img images on directory storages:
/// base volumes, linked clones backed by them, full copies into another storage and format,
/// and the bad-input rules (nothing left behind).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img"), "needs qemu-img"))
struct QemuCloneAPITests {
    typealias API = QemuAPITests

    /// A second dir storage `store2` (images only) and `isos` (no images) under the node root.
    static func addStorages(_ node: TestNode) async throws -> String {
        let path = node.directory.path + "/srv/store2"
        try await node.store.write("storage.cfg", text: """
            dir: store2
            \tpath \(path)
            \tcontent images

            dir: isos
            \tpath \(node.directory.path)/srv/isos
            \tcontent iso

            """)
        return path
    }

    static func files(_ directory: String) -> [String] { FileIO.listDirectory(directory).sorted() }

    static func backingFile(_ path: String) async throws -> String? {
        let info = try await SubprocessRunner().checked(["qemu-img", "info", "--output=json", "-U", path])
        return try JSONParser.parse(info)["backing-filename"]?.stringValue
    }

    @Test func templateThenLinkedClone() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", [
                "vmid": "100", "name": "base", "scsi0": "local:1", "net0": "virtio,bridge=vmbr0", "ide2": "none,media=cdrom",
            ]) == "OK")
            let source = try await API.call(client, .get, "/100/config").data
            #expect(try await API.task(node, client, .post, "/100/template") == "OK")
            #expect(Self.files(images + "/100") == ["base-100-disk-0.raw"])
            let template = try await API.call(client, .get, "/100/config").data
            #expect(template["template"] == 1)
            #expect(template["scsi0"] == "local:100/base-100-disk-0.raw,size=1G")
            #expect(try await API.call(client, .post, "/100/template").reason == "you can't convert a template to a template")
            #expect(try await API.call(client, .post, "/100/status/start").reason == "you can't start a vm if it's a template")

            #expect(try await API.task(node, client, .post, "/100/clone", ["newid": "101", "name": "linked"]) == "OK")
            let clone = try await API.call(client, .get, "/101/config").data
            #expect(clone["scsi0"] == "local:100/base-100-disk-0.raw/101/vm-101-disk-0.qcow2,size=1G")
            #expect(clone["name"] == "linked")
            #expect(clone["template"] == nil)
            #expect(clone["lock"] == nil)
            #expect(clone["ide2"] == "none,media=cdrom")
            #expect(clone["net0"] != source["net0"])
            #expect(clone["net0"]?.stringValue?.hasPrefix("virtio=BC:24:11:") == true)
            #expect(clone["net0"]?.stringValue?.hasSuffix(",bridge=vmbr0") == true)
            #expect(clone["smbios1"] != source["smbios1"])
            #expect(clone["vmgenid"] != source["vmgenid"])
            #expect(try await Self.backingFile(images + "/101/vm-101-disk-0.qcow2") == "../100/base-100-disk-0.raw")
            #expect(try await API.call(client, .get, "/100/config").data["lock"] == nil)

            let destroyTemplate = try await API.call(client, .delete, "/100")
            #expect(destroyTemplate.reason.hasPrefix("base volume 'local:100/base-100-disk-0.raw' is still in use by linked clone"))
            #expect(try await API.task(node, client, .delete, "/101") == "OK")
            #expect(Self.files(images + "/101").isEmpty)
            #expect(try await API.task(node, client, .delete, "/100") == "OK")
            #expect(Self.files(images + "/100").isEmpty)
        }
    }

    @Test func fullCloneIntoAnotherStorageAndFormat() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let store2 = try await Self.addStorages(node)
        try await node.access.updateConfig { $0.pools["team"] = UserConfig.Pool() }
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", [
                "vmid": "100", "name": "web", "scsi0": "local:1", "virtio1": "local:1,format=qcow2", "description": "original",
            ]) == "OK")
            #expect(try await API.call(client, .put, "/100/config", ["delete": "virtio1"]).status == 200)
            #expect(try await API.call(client, .get, "/100/config").data["unused0"] == "local:100/vm-100-disk-1.qcow2")
            let copied = try await API.task(node, client, .post, "/100/clone", [
                "newid": "102", "storage": "store2", "format": "qcow2", "pool": "team", "bwlimit": "0",
            ])
            #expect(copied == "OK")
            let clone = try await API.call(client, .get, "/102/config").data
            #expect(clone["name"] == "Copy-of-VM-web")
            #expect(clone["description"] == "original")
            #expect(clone["scsi0"] == "store2:102/vm-102-disk-0.qcow2,size=1G")
            #expect(clone["unused0"] == nil, "detached disks are not cloned")
            #expect(Self.files(store2 + "/images/102") == ["vm-102-disk-0.qcow2"])
            #expect(try await Self.backingFile(store2 + "/images/102/vm-102-disk-0.qcow2") == nil)
            #expect(try await node.access.configuration().pools["team"]?.vms == [VMID(102)!])

            #expect(try await API.task(node, client, .post, "/100/clone", ["newid": "103", "full": "1"]) == "OK")
            #expect(try await API.call(client, .get, "/103/config").data["scsi0"] == "local:103/vm-103-disk-0.raw,size=1G")
        }
    }

    @Test func badClonesAreRefusedAndLeaveNothingBehind() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await Self.addStorages(node)
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1"]) == "OK")
            #expect(try await API.task(node, client, .post, "", ["vmid": "101"]) == "OK")
            let before = try await API.call(client, .get, "/100/config").data["digest"]

            let existing = try await API.call(client, .post, "/100/clone", ["newid": "101"])
            #expect(existing.reason == "unable to create VM 101 - VM 101 already exists")
            let noImages = try await API.call(client, .post, "/100/clone", ["newid": "102", "storage": "isos"])
            #expect(noImages.errors?["storage"] == "storage 'isos' does not support content-type 'images'")
            let linked = try await API.call(client, .post, "/100/clone", ["newid": "102", "full": "0"])
            #expect(linked.errors?["full"]?.stringValue?.contains("VM 100 is not one") == true)
            let missing = try await API.call(client, .post, "/100/clone", ["newid": "102", "storage": "nowhere"])
            #expect(missing.errors?["storage"] == "storage 'nowhere' does not exist")
            let elsewhere = try await API.call(client, .post, "/100/clone", ["newid": "102", "target": "othernode"])
            #expect(elsewhere.errors?["target"]?.stringValue?.contains("not supported") == true)
            let snapshot = try await API.call(client, .post, "/100/clone", ["newid": "102", "snapname": "nope"])
            #expect(snapshot.errors?["snapname"] == "snapshot 'nope' does not exist")
            let pool = try await API.call(client, .post, "/100/clone", ["newid": "102", "pool": "nopool"])
            #expect(pool.errors?["pool"] == "pool 'nopool' does not exist")

            #expect(try await API.call(client, .put, "/100/config", ["lock": "backup"]).status == 200)
            #expect(try await API.call(client, .post, "/100/clone", ["newid": "102"]).reason == "VM is locked (backup)")
            #expect(try await API.call(client, .put, "/100/config", ["delete": "lock", "skiplock": "1"]).status == 200)
            #expect(try await API.call(client, .get, "/100/config").data["digest"] == before)
            #expect(try await API.call(client, .get, "/102/config").reason.contains("does not exist"))
            #expect(Self.files(images + "/102").isEmpty)
        }
    }

    @Test func aCopyThatFailsRemovesWhatItMade() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let images = NodePaths(root: node.directory.path).localStorage + "/images"
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1", "scsi1": "local:1,format=qcow2"]) == "OK")
            // scsi1 now needs a backing file that is gone: qemu-img can describe it but not read it.
            let broken = images + "/100/vm-100-disk-1.qcow2"
            FileIO.remove(broken)
            try await SubprocessRunner().checked(["qemu-img", "create", "-f", "qcow2", "-u", "-b", "/nonexistent.raw", "-F", "raw", broken, "1G"])
            let status = try await API.task(node, client, .post, "/100/clone", ["newid": "105"])
            #expect(status.contains("qemu-img"), "\(status)")
            #expect(try await API.call(client, .get, "/105/config").reason.contains("does not exist"))
            #expect(Self.files(images + "/105").isEmpty, "the copy of scsi0 was removed again")
            #expect(try await API.call(client, .get, "/100/config").data["lock"] == nil)
        }
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img"), "needs qemu-img"))
struct QemuClonePolicyTests {
    typealias API = QemuAPITests

    @Test func clonesOfOneTemplateShareItsCloneLock() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "scsi0": "local:1,format=qcow2"]) == "OK")
            #expect(try await API.task(node, client, .post, "/100/template") == "OK")
            // Two clones prepared before either runs: the second joins the first one's lock.
            let vms = node.services.vms
            let template = VMID(100)!
            let first = try await vms.prepareClone(template, VMCloneRequest(newid: VMID(101)!))
            var fullRequest = VMCloneRequest(newid: VMID(102)!)
            fullRequest.full = true
            let second = try await vms.prepareClone(template, fullRequest)
            #expect(try await API.call(client, .get, "/100/config").data["lock"] == "clone")
            #expect(try await API.call(client, .post, "/100/template", ["disk": "scsi0"]).reason == "VM is locked (clone)")
            try await vms.runClone(first) { _ in }
            #expect(try await API.call(client, .get, "/100/config").data["lock"] == "clone", "the second clone still holds it")
            try await vms.runClone(second) { _ in }
            #expect(try await API.call(client, .get, "/100/config").data["lock"] == nil, "the last clone removes the lock")
            #expect(try await API.call(client, .get, "/102/config").data["scsi0"] == "local:102/vm-102-disk-0.qcow2,size=1G")
        }
    }

    @Test func cloningNeedsVMCloneAndVMAllocateOnTheNewID() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            config.users["tess@pve"] = UserConfig.User()
            config.setACL(path: "/vms/100", members: [.user("tess@pve")], roles: ["PVETemplateUser"], propagate: true, delete: false)
        }
        try await node.test { client in
            let created = try await API.task(node, client, .post, "", ["vmid": "100"])
            #expect(created == "OK")
        }
        let tess = node.responder(authenticator: FixedAuthenticator(Identity(user: UserID("tess@pve")!, method: .ticket)))
        try await node.test(tess) { client in
            let refused = try await API.call(client, .post, "/100/clone", ["newid": "101"])
            #expect(refused.status == 403)
            #expect(try await API.call(client, .post, "/100/template").status == 403)
        }
        try await node.access.updateConfig { config in
            config.setACL(path: "/vms/101", members: [.user("tess@pve")], roles: ["PVEVMAdmin"], propagate: true, delete: false)
        }
        try await node.test(tess) { client in
            let cloned = try await API.task(node, client, .post, "/100/clone", ["newid": "101"])
            #expect(cloned == "OK")
        }
    }
}
