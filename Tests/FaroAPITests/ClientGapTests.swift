import FaroAPI
import FaroAccess
import FaroModel
import HTTPTypes
import HummingbirdTesting
import Testing

/// What real clients (proxmoxer scripts, the exporter, Ansible) read and Faro answered
/// differently from Proxmox (issue 22, parts 2 and 4).
@Suite struct ClientGapTests {
    @Test func everyUserSeesTheNodesButOnlyAuditorsItsFigures() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let viewer = try await node.responder(as: "viewer@pve", role: "PVEVMUser", on: "/vms/100")
        try await node.test(viewer) { client in
            let nodes = try await client.call(.get, "/cluster/resources", ["type": "node"]).data
            #expect(nodes == [["id": "node/testnode", "type": "node", "node": "testnode", "status": "online"]])
        }
        let auditor = try await node.responder(as: "audit@pve", role: "PVEAuditor", on: "/nodes")
        try await node.test(auditor) { client in
            let entry = try await client.call(.get, "/cluster/resources", ["type": "node"]).data.arrayValue?.first
            #expect((entry?["maxmem"]?.intValue ?? 0) > 0)
        }
    }

    @Test func permissionsOnAPathShowWhetherEachPrivilegePropagates() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            config.users["carol@pve"] = UserConfig.User()
            config.setACL(path: "/storage/local", members: [.user("carol@pve")], roles: ["PVEDatastoreUser"], propagate: false, delete: false)
            config.setACL(path: "/vms", members: [.user("carol@pve")], roles: ["PVEAuditor"], propagate: true, delete: false)
        }
        try await node.test { client in
            let here = try await client.call(.get, "/access/permissions", ["userid": "carol@pve", "path": "/storage/local"]).data
            #expect(here["/storage/local"]?["Datastore.Audit"] == 0, "set without propagation: \(here)")
            let below = try await client.call(.get, "/access/permissions", ["userid": "carol@pve", "path": "/vms/100"]).data
            #expect(below["/vms/100"]?["VM.Audit"] == 1, "\(below)")
        }
    }

    @Test func aStorageInTwoPoolsGetsTheRolesOfBoth() async throws {
        let config = UserConfig.parse("""
            user:dave@pve:1:0::::::
            pool:alpha::100:shared:
            pool:beta:::shared:
            acl:1:/pool/alpha:dave@pve:PVEDatastoreUser:
            acl:1:/pool/beta:dave@pve:PVEDatastoreAdmin:

            """).config
        let evaluator = PermissionEvaluator(config: config)
        let privileges = evaluator.privileges(for: UserID("dave@pve")!, path: "/storage/shared", now: 0)
        #expect(privileges.contains("Datastore.AllocateSpace") && privileges.contains("Datastore.Allocate"), "\(privileges)")
    }

    @Test func poolMembersCarryTheirStatusFromTheResourceList() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("name: web\nmemory: 256\n".utf8))
        try await node.test { client in
            #expect(try await client.call(.post, "/pools", ["poolid": "prod"]).status == .ok)
            let added = try await client.call(.put, "/pools/prod", ["vms": "100", "storage": "local"])
            #expect(added.status == .ok, "\(added.text)")
            let members = try await client.call(.get, "/pools/prod").data["members"]?.arrayValue ?? []
            let vm = members.first { $0["id"] == "qemu/100" }
            #expect(vm?["status"] == "stopped" && vm?["name"] == "web" && vm?["maxmem"] == .int(256 << 20), "\(members)")
            let storage = members.first { $0["id"] == "storage/testnode/local" }
            #expect(storage?["status"] == "available" && (storage?["maxdisk"]?.intValue ?? 0) > 0, "\(members)")
        }
    }

    /// `storage.cfg` is read as storages, not searched as text: a comment that ends like a
    /// section header (`...: tank`) is no storage.
    @Test func aPoolTakesOnlyStoragesThatAreDefined() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        let config = "dir: local\n\tpath /var/lib/vz\n\tcontent iso\n\ndir: spare\n\tpath /srv/spare\n\tcomment replaced by: tank\n"
        try await node.store.write("storage.cfg", text: config, ifRevision: nil)
        try await node.test { client in
            #expect(try await client.call(.post, "/pools", ["poolid": "prod"]).status == .ok)
            #expect(try await client.call(.put, "/pools/prod", ["storage": "local"]).status == .ok)
            let missing = try await client.call(.put, "/pools/prod", ["storage": "tank"])
            let message = missing.json["message"]?.stringValue ?? ""
            #expect(missing.status == .internalServerError && message.hasPrefix("storage 'tank' does not exist"), "\(missing.text)")
        }
    }
}
