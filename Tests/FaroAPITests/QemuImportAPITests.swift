import FaroModel
import FaroSupport
import Foundation
import Testing

/// `import-from` on a new disk (issue 21 part 4): the disk is made as large as its source and
/// filled from it with `qemu-img convert` (qcow2, vmdk, raw; a storage volume or, for root, a
/// path); what cannot be imported is refused by the disk's key before anything is made.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-io"), "needs qemu-utils"))
struct QemuImportAPITests {
    let runner = SubprocessRunner()

    /// A 64 MiB image with a pattern in its second MiB, in `format`.
    func makeImage(_ path: String, format: String) async throws {
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        let qcow2 = format == "qcow2" ? path : path + ".qcow2"
        try await runner.checked(["qemu-img", "create", "-f", "qcow2", qcow2, "64M"])
        try await runner.checked(["qemu-io", "-f", "qcow2", "-c", "write -P 0xab 1M 1M", qcow2])
        if format != "qcow2" {
            try await runner.checked(["qemu-img", "convert", "-f", "qcow2", "-O", format, qcow2, path])
            FileIO.remove(qcow2)
        }
    }

    func sameContent(_ first: String, _ second: String) async -> Bool {
        (try? await runner.run(["qemu-img", "compare", first, second]).succeeded) ?? false
    }

    @Test func aCloudImageBecomesTheNewDiskOfItsSize() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let local = NodePaths(root: node.directory.path).localStorage
        try await makeImage(local + "/import/cloud.qcow2", format: "qcow2")
        try await makeImage(node.directory.file("outside/disk.vmdk"), format: "vmdk")
        try await node.test { client in
            let created = try await QemuAPITests.task(node, client, .post, "", [
                "vmid": "100", "memory": "256", "scsi0": "local:0,import-from=local:import/cloud.qcow2,discard=on",
            ])
            #expect(created == "OK")
            let config = try await QemuAPITests.call(client, .get, "/100/config")
            #expect(config.data["scsi0"] == "local:100/vm-100-disk-0.raw,discard=on,size=64M")
            #expect(await sameContent(local + "/import/cloud.qcow2", local + "/images/100/vm-100-disk-0.raw"))

            let added = try await QemuAPITests.task(
                node, client, .post, "/100/config", ["virtio1": "local:0,import-from=\(node.directory.file("outside/disk.vmdk"))"])
            #expect(added == "OK")
            let updated = try await QemuAPITests.call(client, .get, "/100/config")
            #expect(updated.data["virtio1"] == "local:100/vm-100-disk-1.raw,size=64M")
            #expect(await sameContent(node.directory.file("outside/disk.vmdk"), local + "/images/100/vm-100-disk-1.raw"))
        }
    }

    @Test func whatCannotBeImportedIsRefusedByItsKeyAndNothingIsMade() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let local = NodePaths(root: node.directory.path).localStorage
        try await makeImage(local + "/import/cloud.qcow2", format: "qcow2")
        try await runner.checked(["qemu-img", "create", "-f", "qcow2", "-b", local + "/import/cloud.qcow2", "-F", "qcow2", local + "/import/overlay.qcow2"])
        try await node.test { client in
            let cases: [(String, String)] = [
                ("local:import/cloud.qcow2,import-from=local:import/cloud.qcow2", "requires special syntax"),
                ("local:0,import-from=local:import/missing.qcow2", "does not exist"),
                ("local:0,import-from=local:import/overlay.qcow2", "has a backing file"),
                ("local:0,import-from=local:iso/x.iso", "is not a disk image"),
                ("local:0,import-from=nowhere:import/cloud.qcow2", "import-from"),
            ]
            for (value, message) in cases {
                let reply = try await QemuAPITests.call(client, .post, "", ["vmid": "100", "scsi0": value])
                #expect(reply.status == 400, "\(value)")
                #expect(reply.errors?["scsi0"]?.stringValue?.contains(message) == true, "\(value) → \(String(describing: reply.errors))")
                #expect(try await node.store.read("nodes/testnode/qemu-server/100.conf") == nil)
                #expect(FileIO.listDirectory(local + "/images/100").isEmpty)
            }
        }
    }

    @Test func qmDiskImportAddsAnUnusedDiskOrTheTargetDisk() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let local = NodePaths(root: node.directory.path).localStorage
        let image = node.directory.file("outside/cloud.qcow2")
        try await makeImage(image, format: "qcow2")
        try await node.test { client in
            #expect(try await QemuAPITests.task(node, client, .post, "", ["vmid": "100", "memory": "256"]) == "OK")
            #expect(try await QemuAPITests.task(node, client, .post, "/100/importdisk", ["source": image, "storage": "local"]) == "OK")
            #expect(try await QemuAPITests.task(
                node, client, .post, "/100/importdisk", ["source": image, "storage": "local", "format": "qcow2", "target-disk": "scsi1"]) == "OK")
            let config = try await QemuAPITests.call(client, .get, "/100/config")
            #expect(config.data["unused0"] == "local:100/vm-100-disk-0.raw")
            #expect(config.data["scsi1"] == "local:100/vm-100-disk-1.qcow2,size=64M")
            #expect(await sameContent(image, local + "/images/100/vm-100-disk-0.raw"))
            #expect(await sameContent(image, local + "/images/100/vm-100-disk-1.qcow2"))

            let refused: [([String: String], String)] = [
                (["source": node.directory.file("missing.qcow2"), "storage": "local"], "source"),
                (["source": image, "storage": "nowhere"], "storage"),
                (["source": image, "storage": "local", "target-disk": "scsi1"], "target-disk"),
                (["source": image, "storage": "local", "target-disk": "net0"], "target-disk"),
            ]
            for (parameters, key) in refused {
                let reply = try await QemuAPITests.call(client, .post, "/100/importdisk", parameters)
                #expect(reply.status == 400 && reply.errors?[key] != nil, "\(parameters) → \(reply.status) \(String(describing: reply.errors))")
            }
            #expect(FileIO.listDirectory(local + "/images/100").sorted() == ["vm-100-disk-0.raw", "vm-100-disk-1.qcow2"])
        }
    }
}
