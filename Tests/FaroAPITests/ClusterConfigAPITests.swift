import FaroModel
import FaroStore
import Testing

/// `/cluster/config` on a node that is not in a cluster: Proxmox's answers for a single node,
/// and refusals that change nothing.
@Suite struct ClusterConfigAPITests {
    @Test func aSingleNodeHasNoClusterToShowOrJoinThrough() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let join = try await client.call(.get, "/cluster/config/join")
            #expect(join.status.code == 424)
            #expect(join.json["message"]?.stringValue?.hasPrefix("node is not in a cluster, no join info available!") == true)
            #expect(try await client.call(.get, "/cluster/config/nodes").data == [])
            #expect(try await client.call(.get, "/cluster/config/totem").data == [:])
            #expect(try await client.call(.get, "/cluster/config/qdevice").data == [:])
            #expect(try await client.call(.get, "/cluster/config/apiversion").data == 1)
            let index = try await client.call(.get, "/cluster/config").data.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(index == ["apiversion", "expected", "join", "jointoken", "nodes", "qdevice", "quorum", "totem", "updatecerts"])
            #expect(try await client.call(.get, "/cluster/config/quorum").status.code == 424)
            #expect(try await client.call(.post, "/cluster/config/jointoken").status.code == 424)
            #expect(try await client.call(.post, "/cluster/config/updatecerts").status.code == 424)
            let expected = try await client.call(.post, "/cluster/config/expected", ["expected": "1"])
            #expect(expected.json["message"]?.stringValue?.hasPrefix("node is not in a cluster") == true)
            let add = try await client.call(.post, "/cluster/config/nodes/n2", ["new_node_ip": "10.0.0.2"])
            #expect(add.json["message"]?.stringValue?.hasPrefix("node is not in a cluster") == true, "\(add.json)")
            let delete = try await client.call(.delete, "/cluster/config/nodes/n2")
            #expect(delete.json["message"]?.stringValue?.hasPrefix("node is not in a cluster") == true)
        }
    }

    @Test func joinRequestsThatCannotWorkAreRefusedBeforeAnythingChanges() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let fingerprint = (0..<32).map { _ in "AB" }.joined(separator: ":")
        try await node.test { client in
            let neither = try await client.call(.post, "/cluster/config/join", ["hostname": "10.0.0.1", "fingerprint": fingerprint])
            #expect(neither.status.code == 400 && neither.json["errors"]?["password"] != nil, "\(neither.json)")
            let both = try await client.call(
                .post, "/cluster/config/join", ["hostname": "10.0.0.1", "fingerprint": fingerprint, "password": "x", "token": "y"])
            #expect(both.status.code == 400 && both.json["errors"]?["token"] != nil)
            let badPin = try await client.call(.post, "/cluster/config/join", ["hostname": "10.0.0.1", "fingerprint": "AB:CD", "token": "y"])
            #expect(badPin.status.code == 400 && badPin.json["errors"]?["fingerprint"] != nil)
            let badLink = try await client.call(
                .post, "/cluster/config/join", ["hostname": "10.0.0.1", "fingerprint": fingerprint, "token": "y", "link0": "10.0.0.9,priority=3"])
            #expect(badLink.status.code == 400 && badLink.json["errors"]?["link0"] != nil, "\(badLink.json)")
            let badEtcd = try await client.call(.post, "/cluster/config", ["clustername": "lab", "etcd-client": "nowhere"])
            #expect(badEtcd.status.code == 400 && badEtcd.json["errors"]?["etcd-client"] != nil)
            let longName = try await client.call(.post, "/cluster/config", ["clustername": "a-very-long-cluster-name"])
            #expect(longName.status.code == 400 && longName.json["errors"]?["clustername"] != nil)

            // A node with guests may not join: the cluster's configuration would replace them.
            try await node.store.create(StoreLayout.guestConfig(node: "testnode", kind: .qemu, vmid: VMID(3050)!), data: Array("memory: 128\n".utf8))
            let withGuests = try await client.call(.post, "/cluster/config/join", ["hostname": "10.0.0.1", "fingerprint": fingerprint, "token": "y"])
            #expect(withGuests.json["message"]?.stringValue?.contains("this host already contains virtual guests") == true, "\(withGuests.json)")
        }
        #expect(try await node.store.read(StoreLayout.corosyncConfig) == nil)
    }
}
