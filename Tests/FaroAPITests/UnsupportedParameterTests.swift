import FaroAPISpec
import FaroModel
import Testing

/// Parameters Faro declares for Proxmox's clients but cannot honour, and the split of a guest
/// request into config options and control parameters, both read from the method table.
@Suite struct UnsupportedParameterTests {
    @Test func everyRefusedOrOptionParameterIsDeclared() {
        for method in APISpec.faro.methods {
            let declared = Set(method.parameters.properties?.keys ?? [:].keys)
            #expect(method.unsupported.isSubset(of: declared), "\(method.id)")
            #expect(method.configOptions.isSubset(of: declared), "\(method.id)")
        }
        let create = APISpec.faro.method(.post, "/nodes/x/qemu")
        #expect(create?.configOptions.contains("memory") == true)
        #expect(create?.configOptions.isDisjoint(with: ["node", "vmid", "start", "pool", "description", "storage"]) == true)
        let update = APISpec.faro.method(.put, "/nodes/x/lxc/100/config")
        #expect(update?.configOptions.contains("description") == true)
        #expect(update?.configOptions.isDisjoint(with: ["node", "vmid", "digest", "delete", "revert"]) == true)
    }

    @Test func aRefusedParameterStopsTheCallBeforeTheHandler() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            typealias API = QemuAPITests
            let restore = try await API.call(client, .post, "", ["vmid": "100", "live-restore": "1", "memory": "64"])
            #expect(restore.status == 400 && restore.errors?["live-restore"] == "not supported by Faro yet")
            #expect(try await node.store.read("nodes/testnode/qemu-server/100.conf") == nil)
            #expect(try await API.task(node, client, .post, "", ["vmid": "100", "memory": "64", "ha-managed": "0"]) == "OK")
            let start = try await API.call(client, .post, "/100/status/start", ["machine": "q35"])
            #expect(start.status == 400 && start.errors?["machine"] == "not supported by Faro yet")
        }
    }
}
