import FaroAPI
import FaroModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct EndpointTests {
    @Test func versionUsesTheEnvelope() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            try await client.execute(uri: "/api2/json/version", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json;charset=UTF-8")
                #expect(response.data["version"] == "8.4.1")
                #expect(response.data["release"] == "8.4")
                #expect(response.data["repoid"]?.stringValue?.allSatisfy(\.isHexDigit) == true)
            }
        }
    }

    @Test func indexesListChildren() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            try await client.execute(uri: "/api2/json/", method: .get) { response in
                #expect(response.data == [["subdir": "access"], ["subdir": "cluster"], ["subdir": "nodes"], ["subdir": "pools"], ["subdir": "storage"], ["subdir": "version"]])
            }
            try await client.execute(uri: "/api2/json/nodes/testnode", method: .get) { response in
                let names = response.data.arrayValue?.compactMap { $0["name"]?.stringValue }
                #expect(names == ["config", "dns", "hosts", "lxc", "network", "qemu", "replication", "rrddata", "scan", "status", "storage", "subscription", "syslog", "tasks", "termproxy", "time", "version", "vncwebsocket", "vzdump"])
            }
            try await client.execute(uri: "/api2/json/cluster", method: .get) { response in
                let names = response.data.arrayValue?.compactMap { $0["name"]?.stringValue }
                #expect(names == ["backup", "backup-info", "config", "metrics", "nextid", "options", "resources", "status", "tasks"])
            }
        }
    }

    @Test func nextIDIsAStringAndSkipsUsedIDs() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("memory: 512\n".utf8))
        try await node.store.create("nodes/other/lxc/101.conf", data: Array("memory: 512\n".utf8))
        try await node.test { client in
            try await client.execute(uri: "/api2/json/cluster/nextid", method: .get) { response in
                #expect(response.data == "102")
            }
            try await client.execute(uri: "/api2/json/cluster/nextid?vmid=105", method: .get) { response in
                #expect(response.data == "105")
            }
            try await client.execute(uri: "/api2/json/cluster/nextid?vmid=101", method: .get) { response in
                #expect(response.status.code == 400)
                #expect(response.status.reasonPhrase == "VM 101 already exists")
                #expect(response.json["message"] == "VM 101 already exists\n")
            }
        }
    }

    @Test func nodesAndStatusReportRealFigures() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            try await client.execute(uri: "/api2/json/nodes", method: .get) { response in
                let entry = response.data.arrayValue?.first
                #expect(entry?["node"] == "testnode")
                #expect(entry?["status"] == "online")
                #expect((entry?["maxmem"]?.intValue ?? 0) > 0)
                #expect(entry?["ssl_fingerprint"] == "AA:BB")
            }
            await node.services.cpu.sample()
            try await Task.sleep(for: .milliseconds(200))
            await node.services.cpu.sample()
            try await client.execute(uri: "/api2/json/nodes/testnode/status", method: .get) { response in
                let data = response.data
                #expect((data["memory"]?["total"]?.intValue ?? 0) > 0)
                #expect((data["cpuinfo"]?["cpus"]?.intValue ?? 0) > 0)
                #expect(data["loadavg"]?.arrayValue?.count == 3)
                #expect((data["uptime"]?.intValue ?? 0) > 0)
                #expect(data["kversion"]?.stringValue?.hasPrefix("Linux") == true)
                #expect((data["rootfs"]?["total"]?.intValue ?? 0) > 0)
                #expect(data["pveversion"]?.stringValue == "pve-manager/8.4.1/\(FaroVersion.repoID)", "tools split it at '/'")
                #expect(data["cpuinfo"]?["user_hz"]?.intValue == sysconf(Int32(_SC_CLK_TCK)))
                #expect((data["memory"]?["available"]?.intValue ?? 0) > 0)
                let idle = data["idle"]?.doubleValue ?? -1
                let busy = (data["cpu"]?.doubleValue ?? 0) + (data["wait"]?.doubleValue ?? 0)
                #expect(abs(idle + busy - 1) < 0.001, "idle is the rest of the CPU time: \(idle) + \(busy)")
            }
            try await client.execute(uri: "/api2/json/nodes/testnode/time", method: .get) { response in
                #expect(response.data["time"] == 1_700_000_000)
                #expect(response.data["timezone"]?.stringValue?.isEmpty == false)
            }
            try await client.execute(uri: "/api2/json/nodes/localhost/version", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api2/json/nodes/elsewhere/status", method: .get) { response in
                #expect(response.status.code == 500)
                #expect(response.status.reasonPhrase == "no such cluster node 'elsewhere'")
            }
        }
    }

    @Test func clusterResourcesListGuestsWithProxmoxTypes() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        try await node.store.create(
            "nodes/testnode/qemu-server/100.conf",
            data: Array("cores: 2\nmemory: 1024\nname: web\nscsi0: local:100/vm-100-disk-0.raw,size=32G\ntags: a;b\n".utf8))
        try await node.store.create("nodes/testnode/lxc/101.conf", data: Array("rootfs: local:101/subvol,size=8G\ntemplate: 1\n".utf8))
        try await node.test { client in
            try await client.execute(uri: "/api2/json/cluster/resources?type=vm", method: .get) { response in
                let guests = response.data.arrayValue ?? []
                #expect(guests.count == 2)
                let vm = guests.first { $0["vmid"] == 100 }
                #expect(vm?["id"] == "qemu/100")
                #expect(vm?["name"] == "web")
                #expect(vm?["maxmem"] == .int(1 << 30))
                #expect(vm?["maxdisk"] == .int(32 << 30))
                #expect(vm?["maxcpu"] == 2)
                #expect(vm?["template"] == 0)
                #expect(vm?["status"] == "stopped")
                #expect(vm?["tags"] == "a;b")
                let ct = guests.first { $0["vmid"] == 101 }
                #expect(ct?["name"] == "CT101")
                #expect(ct?["template"] == 1)
                #expect(ct?["type"] == "lxc")
            }
            try await client.execute(uri: "/api2/json/cluster/resources?type=node", method: .get) { response in
                #expect(response.data.arrayValue?.map { $0["type"] } == ["node"])
            }
            try await client.execute(uri: "/api2/json/cluster/resources", method: .get) { response in
                #expect(response.data.arrayValue?.count == 4)
            }
            try await client.execute(uri: "/api2/json/cluster/resources?type=storage", method: .get) { response in
                let local = response.data.arrayValue?.first
                #expect(local?["id"] == "storage/testnode/local")
                #expect(local?["status"] == "available")
                #expect((local?["maxdisk"]?.intValue ?? 0) > 0)
                #expect(local?["plugintype"] == "dir")
            }
        }
        // A change in the store shows up at once (the cache follows the store revision).
        try await node.store.create("nodes/testnode/qemu-server/102.conf", data: Array("name: db\n".utf8))
        try await node.test { client in
            try await client.execute(uri: "/api2/json/cluster/resources?type=vm", method: .get) { response in
                #expect(response.data.arrayValue?.count == 3)
            }
        }
    }

    @Test func concurrentCallersAfterAChangeAllSeeIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        for vmid in 100..<140 {
            try await node.store.create("nodes/testnode/qemu-server/\(vmid).conf", data: Array("name: g\(vmid)\n".utf8))
        }
        func countsSeenByTwentyCallers() async throws -> Set<Int> {
            try await node.test { client in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await client.execute(uri: "/api2/json/cluster/resources?type=vm", method: .get) {
                                $0.data.arrayValue?.count ?? -1
                            }
                        }
                    }
                    return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
                }
            }
        }
        #expect(try await countsSeenByTwentyCallers() == [40])
        try await node.store.create("nodes/testnode/qemu-server/140.conf", data: Array("name: late\n".utf8))
        #expect(try await countsSeenByTwentyCallers() == [41])
        // A new status sample alone: callers may get the list built before it, never a wrong one.
        await node.services.cpu.sample()
        #expect(try await countsSeenByTwentyCallers() == [41])
    }

    @Test func clusterStatusDescribesTheLocalNode() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            try await client.execute(uri: "/api2/json/cluster/status", method: .get) { response in
                let entry = response.data.arrayValue?.first
                #expect(entry?["type"] == "node")
                #expect(entry?["local"] == 1)
                #expect(entry?["online"] == 1)
                #expect(entry?["name"] == "testnode")
            }
        }
    }
}
