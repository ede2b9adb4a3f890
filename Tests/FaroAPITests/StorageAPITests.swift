import FaroAPI
import FaroAccess
import FaroModel
import FaroStorage
import FaroSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Storage through the HTTP API: definitions, status, content, uploads, pruning, permissions.
@Suite struct StorageAPITests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    func withNode(
        as identity: Identity = .localRoot, _ body: @Sendable (TestNode, any TestClientProtocol) async throws -> Void
    ) async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        try await node.test(node.responder(authenticator: FixedAuthenticator(identity))) { client in try await body(node, client) }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ form: String, method: HTTPRequest.Method = .post) async throws
        -> TestResponse
    {
        try await client.execute(uri: "/api2/json" + uri, method: method, headers: Self.form, body: ByteBuffer(string: form)) { $0 }
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: "/api2/json" + uri, method: .get) { $0 }
    }

    func waitForTasks(_ node: TestNode) async throws {
        for _ in 0..<100 where !(await node.services.tasks.list(source: "active").allSatisfy { $0.status != nil }) {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func definitionsAreCreatedValidatedAndRemoved() async throws {
        try await withNode { node, client in
            let path = node.directory.file("extra")
            var response = try await post(client, "/storage", "storage=extra&type=dir&path=\(path)&content=iso,backup,images&shared=1")
            #expect(response.status == .ok)
            let stored = try await node.store.read("storage.cfg")?.text ?? ""
            #expect(stored.contains("dir: extra\n\tpath \(path)\n\tcontent backup,images,iso\n\tshared 1\n"))
            #expect(FileIO.isDirectory(path + "/template/iso"), "activation made the layout")

            response = try await get(client, "/storage/extra")
            #expect(response.data["shared"] == 1)
            #expect(response.data["digest"]?.stringValue?.count == 40)

            let bad: [(String, String)] = [
                ("storage=extra&type=dir&path=/tmp/x", "storage ID 'extra' already defined"),
                ("storage=n1&type=nfs&server=10.0.0.1&export=/x", "type"),
                ("storage=n2&type=dir&path=/tmp/x&vgname=pve", "vgname"),
                ("storage=n3&type=dir", "path"),
                ("storage=n4&type=lvmthin&vgname=pve&thinpool=data&content=iso", "content"),
                ("storage=n5&type=dir&path=relative", "path"),
                ("storage=1bad&type=dir&path=/tmp/x", "storage"),
                ("storage=n6&type=dir&path=/tmp/x&prune-backups=keep-lasts=3", "prune-backups"),
                ("storage=n7&type=dir&path=/nonexistent/faro/x&create-base-path=0&mkdir=0", "does not exist"),
            ]
            for (form, expected) in bad {
                let reply = try await post(client, "/storage", form)
                #expect(reply.status.code >= 400, "\(form)")
                #expect(reply.text.contains(expected), "\(form): \(reply.text)")
            }
            #expect(try await node.store.read("storage.cfg")?.text == stored, "failed creates change nothing")

            response = try await post(client, "/storage/extra", "delete=shared&content=iso&disable=1", method: .put)
            #expect(response.status == .ok)
            response = try await post(client, "/storage/extra", "path=/elsewhere", method: .put)
            #expect(response.status.code == 400)
            response = try await post(client, "/storage/extra", "content=images&digest=0000000000000000000000000000000000000000", method: .put)
            #expect(response.status.code == 500)
            #expect(try await get(client, "/storage/extra").data["content"] == "iso")
            #expect(try await client.execute(uri: "/api2/json/storage/extra", method: .delete) { $0.status } == .ok)
            #expect(try await get(client, "/storage/extra").status.code == 500)
            #expect(FileIO.isDirectory(path), "removing a definition keeps the data")
        }
    }

    @Test func localIsAlwaysTheNodesDirectory() async throws {
        try await withNode { node, client in
            try await node.store.write("storage.cfg", text: "dir: local\n\tpath /somewhere/else\n\tcontent iso\n\tnodes other\n")
            let list = try await get(client, "/nodes/testnode/storage").data.arrayValue ?? []
            let local = try #require(list.first { $0["storage"] == "local" })
            #expect(local["active"] == 1)
            #expect(local["content"] == "iso")
            #expect((local["total"]?.intValue ?? 0) > 0)
            #expect(try await get(client, "/storage/local").data["path"]?.stringValue == node.services.paths.localStorage)
        }
    }

    @Test func contentIsAllocatedListedAndFreed() async throws {
        try await withNode { node, client in
            var response = try await post(client, "/nodes/testnode/storage/local/content", "vmid=100&filename=vm-100-disk-0.qcow2&size=1G")
            #expect(response.data == "local:100/vm-100-disk-0.qcow2")
            response = try await post(client, "/nodes/testnode/storage/local/content", "vmid=100&filename=&size=64M&format=raw")
            #expect(response.data == "local:100/vm-100-disk-1.raw")
            for (form, parameter) in [
                ("vmid=100&filename=vm-101-disk-0.raw&size=1M", "filename"), ("vmid=100&filename=vm-100-disk-5.raw&size=1T", "size"),
                ("vmid=100&filename=vm-100-disk-5.raw&size=1M&format=qcow2", "filename"), ("vmid=99&filename=x.raw&size=1M", "vmid"),
            ] {
                let reply = try await post(client, "/nodes/testnode/storage/local/content", form)
                #expect(reply.status.code == 400, "\(form)")
                #expect(reply.json["errors"]?[parameter] != nil, "\(form): \(reply.text)")
            }
            let list = try await get(client, "/nodes/testnode/storage/local/content?vmid=100").data.arrayValue ?? []
            #expect(list.map { $0["volid"]?.stringValue ?? "" } == ["local:100/vm-100-disk-0.qcow2", "local:100/vm-100-disk-1.raw"])
            #expect(list.first?["size"] == .int(1 << 30))
            // The volume id's slash needs no escaping (proxmoxer sends it as is), and %2F works too.
            response = try await get(client, "/nodes/testnode/storage/local/content/local:100/vm-100-disk-0.qcow2")
            #expect(response.data["format"] == "qcow2")
            response = try await get(client, "/nodes/testnode/storage/local/content/local%3A100%2Fvm-100-disk-1.raw")
            #expect(response.data["path"]?.stringValue == node.services.paths.localStorage + "/images/100/vm-100-disk-1.raw")
            for bad in ["local:../../etc/passwd", "local:iso/../../x.iso", "other:iso/x.iso", "local:100/vm-100-disk-9.raw"] {
                #expect(try await get(client, "/nodes/testnode/storage/local/content/\(bad)").status.code >= 400, "\(bad)")
            }
            response = try await client.execute(uri: "/api2/json/nodes/testnode/storage/local/content/local:100/vm-100-disk-1.raw?delay=5", method: .delete) { $0 }
            #expect(response.status == .ok)
            #expect(!FileIO.exists(node.services.paths.localStorage + "/images/100/vm-100-disk-1.raw"))
        }
    }

    @Test func uploadsAreSpooledVerifiedAndListed() async throws {
        try await withNode { node, client in
            let payload = String(repeating: "faro-iso-", count: 20_000)
            let sha256 = try await SubprocessRunner().run(["sha256sum"], input: Array(payload.utf8)).output.prefix(64)
            func upload(_ name: String, checksum: String?) async throws -> TestResponse {
                let boundary = "----faro\(UUID().uuidString)"
                var body = ""
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n"
                if let checksum {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"checksum-algorithm\"\r\n\r\nsha256\r\n"
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\n\(checksum)\r\n"
                }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"\(name)\"\r\n"
                body += "Content-Type: application/octet-stream\r\n\r\n\(payload)\r\n--\(boundary)--\r\n"
                return try await client.execute(
                    uri: "/api2/json/nodes/testnode/storage/local/upload", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: body)) { $0 }
            }
            #expect(try await upload("debian 12.iso", checksum: String(sha256)).status == .ok)
            #expect(try await upload("bad-sum.iso", checksum: String(repeating: "0", count: 64)).status == .ok)
            #expect(try await upload("setup.exe", checksum: nil).status.code == 400)
            try await waitForTasks(node)
            let isos = try await get(client, "/nodes/testnode/storage/local/content?content=iso").data.arrayValue ?? []
            #expect(isos.map { $0["volid"]?.stringValue ?? "" } == ["local:iso/debian_12.iso"])
            #expect(isos.first?["size"] == .int(payload.utf8.count))
            let leftovers = FileIO.listDirectory(node.services.paths.localStorage).filter { $0.hasPrefix(".upload") }
            #expect(leftovers.isEmpty, "spooled files never stay behind")
            #expect(try await upload("debian 12.iso", checksum: nil).status.code == 500, "no overwriting")
        }
    }

    @Test func pruningKeepsWhatTheRulesSay() async throws {
        try await withNode { node, client in
            let dump = node.services.paths.localStorage + "/dump/"
            for day in ["01", "02", "03"] { FileManager.default.createFile(atPath: dump + "vzdump-qemu-100-2024_01_\(day)-10_00_00.vma.zst", contents: Data()) }
            FileManager.default.createFile(atPath: dump + "vzdump-lxc-101-2024_01_01-10_00_00.tar.zst", contents: Data())
            FileManager.default.createFile(atPath: dump + "vzdump-qemu-100-2024_01_01-10_00_00.vma.zst.protected", contents: Data())
            let dry = try await get(client, "/nodes/testnode/storage/local/prunebackups?prune-backups=keep-last=1&type=qemu").data.arrayValue ?? []
            let marks = Dictionary(uniqueKeysWithValues: dry.map { ($0["volid"]?.stringValue ?? "", $0["mark"]?.stringValue ?? "") })
            #expect(marks == [
                "local:backup/vzdump-qemu-100-2024_01_03-10_00_00.vma.zst": "keep",
                "local:backup/vzdump-qemu-100-2024_01_02-10_00_00.vma.zst": "remove",
                "local:backup/vzdump-qemu-100-2024_01_01-10_00_00.vma.zst": "protected",
            ])
            let response = try await client.execute(
                uri: "/api2/json/nodes/testnode/storage/local/prunebackups?prune-backups=keep-last=1", method: .delete) { $0 }
            #expect(response.status == .ok)
            try await waitForTasks(node)
            #expect(!FileIO.exists(dump + "vzdump-qemu-100-2024_01_02-10_00_00.vma.zst"))
            #expect(FileIO.exists(dump + "vzdump-qemu-100-2024_01_01-10_00_00.vma.zst"))
            #expect(FileIO.exists(dump + "vzdump-lxc-101-2024_01_01-10_00_00.tar.zst"))
        }
    }

    @Test func restrictedUsersSeeAndTouchOnlyWhatTheyMay() async throws {
        let alice = Identity(user: UserID("alice@pve")!, method: .ticket)
        try await withNode(as: alice) { node, client in
            try await node.access.updateConfig { config in
                config.users["alice@pve"] = UserConfig.User()
                config.setACL(path: "/storage/local", members: [.user("alice@pve")], roles: ["PVEDatastoreUser"], propagate: true, delete: false)
            }
            try await node.services.storage.create(id: "hidden", type: "dir", options: ["path": node.directory.file("hidden")])
            let listed = try await get(client, "/nodes/testnode/storage").data.arrayValue?.map { $0["storage"]?.stringValue ?? "" }
            #expect(listed == ["local"])
            #expect(try await get(client, "/storage").data.arrayValue?.count == 1)
            #expect(try await get(client, "/storage/local").status.code == 403, "reading a definition needs Datastore.Allocate")
            #expect(try await post(client, "/storage", "storage=mine&type=dir&path=/tmp/mine").status.code == 403)
            #expect(try await get(client, "/nodes/testnode/storage/hidden/status").status.code == 403)
            #expect(try await post(client, "/nodes/testnode/storage/local/content", "vmid=100&filename=&size=1M").status == .ok)
            let disks = try await get(client, "/nodes/testnode/storage/local/content").data.arrayValue ?? []
            #expect(disks.isEmpty, "guest disks need VM.Config.Disk on the guest")
            let delete = try await client.execute(uri: "/api2/json/nodes/testnode/storage/local/content/local:100/vm-100-disk-0.raw", method: .delete) { $0 }
            #expect(delete.status.code == 403)
        }
    }
}
