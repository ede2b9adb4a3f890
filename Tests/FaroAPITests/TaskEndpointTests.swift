import FaroAPI
import FaroModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct TaskEndpointTests {
    @Test func listStatusLogAndStop() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let finished = try await node.services.tasks.start(type: "qmstart", id: "100", user: "root@pam") { log in
            log.log("line one")
        }
        _ = await node.services.tasks.wait(finished)
        let running = try await node.services.tasks.start(type: "vzdump", id: "", user: "alice@pve!ci") { log in
            log.log("working")
            try await Task.sleep(for: .seconds(60))
        }
        let base = "/api2/json/nodes/testnode/tasks"
        try await node.test { client in
            try await client.execute(uri: base, method: .get) { response in
                #expect(response.json["total"] == 1)
                #expect(response.data.arrayValue?.first?["upid"] == .string(finished.description))
                #expect(response.data.arrayValue?.first?["status"] == "OK")
            }
            try await client.execute(uri: base + "?source=all&typefilter=vzdump", method: .get) { response in
                let entry = response.data.arrayValue?.first
                #expect(entry?["user"] == "alice@pve")
                #expect(entry?["tokenid"] == "ci")
                #expect(entry?["status"] == nil)
            }
            try await client.execute(uri: base + "?statusfilter=error", method: .get) { response in
                #expect(response.data == [])
            }
            try await client.execute(uri: base + "/\(running)/status", method: .get) { response in
                #expect(response.data["status"] == "running")
                #expect(response.data["exitstatus"] == nil)
                #expect(response.data["pid"] == 4242)
            }
            try await client.execute(uri: base + "/\(finished)/status", method: .get) { response in
                #expect(response.data["status"] == "stopped")
                #expect(response.data["exitstatus"] == "OK")
            }
            try await client.execute(uri: base + "/\(finished)/log?start=1", method: .get) { response in
                #expect(response.data == [["n": 2, "t": "TASK OK"]])
                #expect(response.json["total"] == 2)
            }
            try await client.execute(uri: base + "/\(finished)/log?download=1", method: .get) { response in
                #expect(response.text == "line one\nTASK OK\n")
            }
            let escaped = running.description.replacingOccurrences(of: "!", with: "%21")
            try await client.execute(uri: base + "/\(escaped)", method: .delete) { response in
                #expect(response.status == .ok)
                #expect(response.json == ["data": nil])
            }
        }
        let record = await node.services.tasks.wait(running)
        #expect(record.status == "received interrupt")
        try await node.test { client in
            try await client.execute(uri: base + "/UPID:testnode:00001092:00000001:6553F100:none::root@pam:/status", method: .get) {
                response in
                #expect(response.status.code == 500)
                #expect(response.status.reasonPhrase.hasPrefix("no such task"))
            }
            try await client.execute(uri: base + "/not-a-upid/status", method: .get) { response in
                #expect(response.status.code == 400)
            }
            try await client.execute(uri: "/api2/json/cluster/tasks", method: .get) { response in
                #expect(response.data.arrayValue?.contains { $0["upid"] == .string(finished.description) } == true)
            }
        }
    }
}
