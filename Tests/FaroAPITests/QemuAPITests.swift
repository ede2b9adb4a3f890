import FaroAPI
import FaroAccess
import FaroModel
import FaroSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The VM endpoints through the real responder, without QEMU: create, config, pending,
/// digest, delete, destroy, and the bad-input rules (nothing half-written on failure).
@Suite struct QemuAPITests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let base = "/api2/json/nodes/testnode/qemu"

    static func encode(_ parameters: [String: String]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return parameters.keys.sorted().map { key in
            "\(key)=\(parameters[key]!.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ parameters: [String: String] = [:]
    ) async throws -> (status: Int, reason: String, data: JSONValue, errors: JSONValue?) {
        let body = encode(parameters)
        let uri = method == .get || method == .delete ? base + path + (body.isEmpty ? "" : "?" + body) : base + path
        return try await client.execute(
            uri: uri, method: method, headers: Self.form,
            body: method == .get || method == .delete ? nil : ByteBuffer(string: body)
        ) { response in (Int(response.status.code), response.status.reasonPhrase, response.data, response.json["errors"]) }
    }

    /// Starts a task through the API and waits for its end; returns the exit status.
    static func task(
        _ node: TestNode, _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
        _ parameters: [String: String] = [:]
    ) async throws -> String {
        let reply = try await call(client, method, path, parameters)
        guard reply.status == 200, let text = reply.data.stringValue, let upid = UPID(text) else {
            return "request failed: \(reply.status) \(reply.reason)"
        }
        return await node.services.tasks.wait(upid).status ?? "running"
    }

    func diskFiles(_ node: TestNode, _ vmid: Int) -> [String] {
        FileIO.listDirectory(NodePaths(root: node.directory.path).localStorage + "/images/\(vmid)").sorted()
    }

    @Test func createConfigureAndDestroy() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let created = try await Self.task(node, client, .post, "", [
                "vmid": "100", "name": "web", "memory": "256", "scsi0": "local:1,discard=on", "net0": "virtio,bridge=vmbr0",
                "ide2": "none,media=cdrom", "description": "first\nsecond",
            ])
            #expect(created == "OK")
            #expect(diskFiles(node, 100) == ["vm-100-disk-0.raw"])
            var config = try await Self.call(client, .get, "/100/config")
            #expect(config.data["scsi0"] == "local:100/vm-100-disk-0.raw,discard=on,size=1G")
            #expect(config.data["memory"] == "256")
            #expect(config.data["description"] == "first\nsecond")
            #expect(config.data["boot"] == "order=scsi0;ide2;net0")
            #expect(config.data["net0"]?.stringValue?.hasPrefix("virtio=BC:24:11:") == true)
            #expect(config.data["lock"] == nil)
            let digest = config.data["digest"]!.stringValue!

            let duplicate = try await Self.call(client, .post, "", ["vmid": "100"])
            #expect(duplicate.status == 500)
            #expect(duplicate.reason.contains("already exists"))

            #expect(try await Self.call(client, .put, "/100/config", ["cores": "2", "digest": digest]).status == 200)
            let stale = try await Self.call(client, .put, "/100/config", ["cores": "4", "digest": digest])
            #expect(stale.status == 500)
            #expect(stale.reason == "detected modified configuration - file changed by other user? Try again.")
            config = try await Self.call(client, .get, "/100/config")
            #expect(config.data["cores"] == 2)

            let deleted = try await Self.call(client, .put, "/100/config", ["delete": "scsi0"])
            #expect(deleted.status == 200, "\(deleted.reason) \(String(describing: deleted.errors))")
            config = try await Self.call(client, .get, "/100/config")
            #expect(config.data["scsi0"] == nil)
            #expect(config.data["unused0"] == "local:100/vm-100-disk-0.raw")
            #expect(try await Self.task(node, client, .post, "/100/config", ["scsi1": "local:2"]) == "OK")
            #expect(try await Self.call(client, .put, "/100/config", ["delete": "unused0"]).status == 200)
            #expect(diskFiles(node, 100) == ["vm-100-disk-1.raw"])

            let pending = try await Self.call(client, .get, "/100/pending")
            #expect(pending.data.arrayValue?.contains { $0["key"] == "cores" && $0["value"] == "2" } == true)

            #expect(try await Self.call(client, .put, "/100/config", ["protection": "1"]).status == 200)
            let refused = try await Self.call(client, .delete, "/100")
            #expect(refused.reason == "can't remove VM 100 - protection mode enabled")
            #expect(try await Self.call(client, .put, "/100/config", ["delete": "protection"]).status == 200)
            #expect(try await Self.task(node, client, .delete, "/100", ["purge": "1"]) == "OK")
            #expect(diskFiles(node, 100).isEmpty)
            let gone = try await Self.call(client, .get, "/100/config")
            #expect(gone.status == 500)
            #expect(gone.reason == "Configuration file 'nodes/testnode/qemu-server/100.conf' does not exist")
        }
    }

    @Test func badInputNamesTheParameterAndLeavesNothingBehind() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let cases: [([String: String], String)] = [
                (["scsi0": "local:1", "ide2": "local:iso/missing.iso,media=cdrom"], "ide2"),
                (["scsi0": "local:1", "net0": "virtio,bridge=not a bridge"], "net0"),
                (["scsi0": "nowhere:1"], "scsi0"),
                (["ide4": "local:1"], "ide4"),
                (["hostpci0": "0000:01:00.0"], "hostpci0"),
                (["memory": "512", "balloon": "1024"], "balloon"),
                (["scsi0": "local:1", "ide2": "local:100/vm-100-disk-9.raw,media=cdrom"], "ide2"),
            ]
            for (parameters, key) in cases {
                let reply = try await Self.call(client, .post, "", parameters.merging(["vmid": "100"]) { first, _ in first })
                #expect(reply.status == 400, "\(parameters)")
                #expect(reply.errors?[key] != nil, "\(parameters) → \(String(describing: reply.errors))")
                #expect(try await node.store.read("nodes/testnode/qemu-server/100.conf") == nil)
                #expect(diskFiles(node, 100).isEmpty)
            }
        }
    }

    @Test func startRefusesLockedTemplateAndKVMWithoutKVM() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("memory: 256\n".utf8))
        try await node.store.create("nodes/testnode/qemu-server/101.conf", data: Array("kvm: 0\nlock: backup\n".utf8))
        try await node.store.create("nodes/testnode/qemu-server/102.conf", data: Array("kvm: 0\ntemplate: 1\n".utf8))
        try await node.test { client in
            let kvm = try await Self.call(client, .post, "/100/status/start")
            #expect(kvm.status == 500)
            #expect(kvm.reason.hasPrefix("KVM virtualisation configured, but not available."))
            #expect(try await Self.call(client, .post, "/101/status/start").reason == "VM is locked (backup)")
            #expect(try await Self.call(client, .post, "/102/status/start").reason == "you can't start a vm if it's a template")
            #expect(try await Self.call(client, .post, "/100/status/shutdown").reason == "VM 100 not running")
            #expect(try await Self.call(client, .post, "/999/status/start").reason.contains("does not exist"))
            let status = try await Self.call(client, .get, "/100/status/current")
            #expect(status.data["status"] == "stopped")
            #expect(status.data["maxmem"] == .int(256 << 20))
            #expect(try await Self.call(client, .put, "/101/config", ["delete": "lock", "skiplock": "1"]).status == 200)
        }
    }

    @Test func argsAndSkiplockAreForRootOnly() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            config.users["alice@pve"] = UserConfig.User()
            config.setACL(path: "/", members: [.user("alice@pve")], roles: ["Administrator"], propagate: true, delete: false)
        }
        let alice = node.responder(authenticator: FixedAuthenticator(Identity(user: UserID("alice@pve")!, method: .ticket)))
        try await node.test(alice) { client in
            let args = try await Self.call(client, .post, "", ["vmid": "100", "args": "-kernel /boot/x"])
            #expect(args.status == 400)
            #expect(args.errors?["args"] == "only root can set 'args' config")
            #expect(try await Self.task(node, client, .post, "", ["vmid": "100"]) == "OK")
            let list = try await Self.call(client, .get, "")
            #expect(list.data.arrayValue?.map { $0["vmid"] } == [100])
            #expect(try await Self.call(client, .put, "/100/config", ["name": "x", "skiplock": "1"]).status == 400)
        }
    }
}

@Suite struct QemuPermissionTests {
    @Test func eachChangedOptionNeedsItsOwnPrivilege() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("memory: 512\n".utf8))
        try await node.access.updateConfig { config in
            config.users["carol@pve"] = UserConfig.User()
            config.customRoles["Renamer"] = ["VM.Config.Options", "VM.Audit"]
            config.setACL(path: "/vms/100", members: [.user("carol@pve")], roles: ["Renamer"], propagate: true, delete: false)
        }
        let carol = node.responder(authenticator: FixedAuthenticator(Identity(user: UserID("carol@pve")!, method: .ticket)))
        try await node.test(carol) { client in
            #expect(try await QemuAPITests.call(client, .put, "/100/config", ["name": "renamed"]).status == 200)
            let memory = try await QemuAPITests.call(client, .put, "/100/config", ["memory": "1024"])
            #expect(memory.status == 403)
            #expect(memory.reason == "Permission check failed (/vms/100, VM.Config.Memory)")
            #expect(try await QemuAPITests.call(client, .put, "/100/config", ["delete": "memory"]).status == 403)
            let disk = try await QemuAPITests.call(client, .post, "/100/config", ["scsi0": "local:1"])
            #expect(disk.reason == "Permission check failed (/vms/100, VM.Config.Disk)")
            #expect(try await QemuAPITests.call(client, .post, "/100/status/start").status == 403)
            #expect(try await QemuAPITests.call(client, .get, "/100/config").data["memory"] == "512")
        }
    }
}
