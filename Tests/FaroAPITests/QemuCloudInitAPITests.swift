import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The cloud-init drive through the API (issue 21 part 3): `ide2: local:cloudinit` makes the
/// volume, `PUT .../cloudinit` writes the image with genisoimage, and the files read back from
/// the image (isoinfo) are what `cloudinit/dump` shows; `GET .../cloudinit` shows what a new
/// image would change; the password is stored hashed and never shown.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/genisoimage"), "needs genisoimage"))
struct QemuCloudInitAPITests {
    let runner = SubprocessRunner()

    /// A file of the ISO image inside the (raw or qcow2) volume.
    func fileInImage(_ volumePath: String, _ name: String, work: TemporaryDirectory) async throws -> String {
        let raw = work.file("image.raw")
        try await runner.checked(["qemu-img", "convert", "-O", "raw", volumePath, raw])
        return try await runner.checked(["isoinfo", "-i", raw, "-R", "-x", "/" + name])
    }

    @Test func theDriveIsMadeWrittenAndReadBack() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let work = try TemporaryDirectory()
        defer { work.remove() }
        try await node.test { client in
            let created = try await QemuAPITests.task(node, client, .post, "", [
                "vmid": "100", "name": "web1", "memory": "256", "ide2": "local:cloudinit", "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0",
                "ciuser": "admin", "cipassword": "s3cret", "sshkeys": "ssh-ed25519%20AAAAC3Nz%20me%40host",
                "ipconfig0": "ip=192.0.2.10/24,gw=192.0.2.1", "nameserver": "192.0.2.53", "searchdomain": "example.com",
            ])
            #expect(created == "OK")
            let config = try await QemuAPITests.call(client, .get, "/100/config")
            let ide2 = try #require(config.data["ide2"]?.stringValue)
            #expect(ide2.hasPrefix("local:100/vm-100-cloudinit.") && ide2.hasSuffix(",media=cdrom"))
            #expect(config.data["cipassword"] == "**********")
            let stored = try #require(try await node.store.read("nodes/testnode/qemu-server/100.conf")?.text)
            #expect(stored.contains("cipassword: $6$") && !stored.contains("s3cret"))

            #expect(try await QemuAPITests.call(client, .put, "/100/cloudinit").status == 200)
            let volume = ide2.split(separator: ",")[0].split(separator: ":")[1]
            let path = NodePaths(root: node.directory.path).localStorage + "/images/" + volume
            let userData = try await fileInImage(path, "user-data", work: work)
            let dumped = try await QemuAPITests.call(client, .get, "/100/cloudinit/dump", ["type": "user"]).data.stringValue
            #expect(userData == dumped)
            #expect(userData.contains("user: 'admin'") && userData.contains("password: '$6$"))
            #expect(userData.contains("  - 'ssh-ed25519 AAAAC3Nz me@host'") && userData.contains("fqdn: web1.example.com"))
            let network = try await fileInImage(path, "network-config", work: work)
            #expect(network.contains("address: '192.0.2.10'") && network.contains("netmask: '255.255.255.0'"))
            #expect(try await fileInImage(path, "meta-data", work: work).hasPrefix("instance-id: "))

            var pending = try await QemuAPITests.call(client, .get, "/100/cloudinit").data.arrayValue ?? []
            #expect(pending.first { $0["key"] == "ciuser" }?["value"] == "admin")
            #expect(pending.allSatisfy { $0["pending"] == nil }, "the image is current")
            #expect(try await QemuAPITests.call(client, .put, "/100/config", ["ciuser": "ops", "delete": "searchdomain"]).status == 200)
            pending = try await QemuAPITests.call(client, .get, "/100/cloudinit").data.arrayValue ?? []
            #expect(pending.first { $0["key"] == "ciuser" }?["pending"] == "ops")
            #expect(pending.first { $0["key"] == "searchdomain" }?["delete"] == 1)
            #expect(pending.first { $0["key"] == "cipassword" }?["value"] == "**********")
        }
    }

    @Test func aCloudInitDriveOnVirtioOrAnUnknownStorageIsRefused() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            for (key, value) in [("virtio1", "local:cloudinit"), ("ide2", "nowhere:cloudinit")] {
                let reply = try await QemuAPITests.call(client, .post, "", ["vmid": "100", key: value])
                #expect(reply.status == 400)
                #expect(reply.errors?[key] != nil, "\(key)=\(value) → \(String(describing: reply.errors))")
                #expect(try await node.store.read("nodes/testnode/qemu-server/100.conf") == nil)
            }
            let none = try await QemuAPITests.task(node, client, .post, "", ["vmid": "101", "memory": "256"])
            #expect(none == "OK")
            let reply = try await QemuAPITests.call(client, .put, "/101/cloudinit")
            #expect(reply.status == 500 && reply.reason == "VM 101 has no cloud-init drive")
        }
    }
}
