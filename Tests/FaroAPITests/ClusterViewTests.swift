@testable import FaroAPI
import FaroCluster
import FaroEtcd
import FaroModel
import FaroStore
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Two nodes sharing one store (two SQLite instances on one file, or two etcd stores on one
/// prefix), as a cluster's nodes do: each publishes its status under a lease, and each lists
/// the other's node, guests, storages and tasks with the other's figures; a node that stops
/// renewing its lease goes offline and its guests unknown.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ClusterViewTests {
    static let lease: Duration = .seconds(3)

    static func directory(_ name: String) -> StaticClusterDirectory {
        StaticClusterDirectory([ClusterNode(name: name, address: "127.0.0.1", fingerprint: Array(repeating: "AB", count: 32).joined(separator: ":"))])
    }

    /// Nodes n1 and n2 over their own handles of one store, removed afterwards.
    static func withNodes(
        _ first: any ConfigStore, _ second: any ConfigStore, _ body: (TestNode, TestNode) async throws -> Void
    ) async throws {
        let a = try await TestNode(nodeName: "n1", store: first, cluster: directory("n2"), statusLease: lease)
        defer { a.remove() }
        let b = try await TestNode(nodeName: "n2", store: second, cluster: directory("n1"), statusLease: lease)
        defer { b.remove() }
        for node in [a, b] { try FileIO.makeDirectory(node.services.paths.localStorage) }
        try await body(a, b)
    }

    /// One round of the status loop on `node`: measure, then publish.
    static func round(_ node: TestNode) async throws {
        await node.services.metrics.collect()
        try await node.services.statusPublisher.publish()
    }

    static func get(_ node: TestNode, _ path: String) async throws -> JSONValue {
        try await node.test { client in try await client.call(.get, path).data }
    }

    static func entry(_ list: JSONValue, _ id: String) -> JSONValue? {
        list.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    /// Polls `body` until it gives a value, for up to `limit`.
    static func eventually<T>(_ limit: Duration = .seconds(10), _ body: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = try await body() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The scenario both backends run.
    static func anotherNodeShowsUpAndGoesAway(_ a: TestNode, _ b: TestNode) async throws {
        let created = try await b.test { client in try await client.call(.post, "/nodes/n2/qemu", ["vmid": "3150", "memory": "256", "name": "on-b"]) }
        let upid = try #require(created.data.stringValue.flatMap(UPID.init))
        #expect(await b.services.tasks.wait(upid).status == "OK")
        let renewB = Task { await b.services.statusPublisher.keepAlive() }
        defer { renewB.cancel() }
        try await round(a)
        try await round(b)
        let measured = await b.services.metrics.latestNode()

        // n1 lists n2's node with n2's figures, n2's guest and storages, as n2 published them.
        let seen = try await eventually { () -> JSONValue? in
            let list = try await get(a, "/cluster/resources")
            return entry(list, "node/n2")?["status"] == "online" && entry(list, "qemu/3150") != nil ? list : nil
        }
        let list = try #require(seen, "n1 never listed n2 and its guest")
        let nodeEntry = entry(list, "node/n2")
        #expect(nodeEntry?["maxcpu"]?.intValue == measured.cpus && nodeEntry?["maxmem"]?.intValue == measured.memoryTotal)
        #expect(nodeEntry?["uptime"]?.intValue == measured.uptime)
        let guest = entry(list, "qemu/3150")
        #expect(guest?["node"] == "n2" && guest?["status"] == "stopped" && guest?["name"] == "on-b")
        #expect(guest?["maxmem"]?.intValue == 256 << 20)
        let storage = entry(list, "storage/n2/local")
        #expect(storage?["status"] == "available" && (storage?["maxdisk"]?.intValue ?? 0) > 0)
        #expect(entry(list, "storage/n1/local")?["status"] == "available")

        // Tasks of every node, every node in /nodes, Proxmox's /cluster/status shapes.
        let tasks = try await get(a, "/cluster/tasks").arrayValue ?? []
        #expect(tasks.contains { $0["upid"]?.stringValue == upid.description && $0["node"] == "n2" }, "n2's task in n1's list")
        let nodes = try await get(a, "/nodes").arrayValue ?? []
        #expect(nodes.map { $0["node"]?.stringValue ?? "" } == ["n1", "n2"])
        #expect(nodes.allSatisfy { $0["status"] == "online" })
        #expect(nodes.last?["ssl_fingerprint"] == "AA:BB" && nodes.last?["maxcpu"]?.intValue == measured.cpus)
        let standalone = try await get(a, "/cluster/status").arrayValue ?? []
        #expect(standalone.count == 1 && standalone.first?["type"] == "node" && standalone.first?["nodeid"] == 0)
        #expect(standalone.first?["local"] == 1 && standalone.first?["name"] == "n1")
        try await a.store.write(
            StoreLayout.corosyncConfig,
            text: """
                totem {
                  cluster_name: lab
                  config_version: 2
                }
                nodelist {
                  node {
                    name: n1
                    nodeid: 1
                    quorum_votes: 1
                    ring0_addr: 127.0.0.1
                  }
                  node {
                    name: n2
                    nodeid: 2
                    quorum_votes: 1
                    ring0_addr: 127.0.0.2
                  }
                }

                """)
        let clustered = try #require(try await eventually {
            let status = try await get(a, "/cluster/status").arrayValue ?? []
            return status.count == 3 ? status : nil
        })
        #expect(clustered[0] == ["type": "cluster", "id": "cluster", "name": "lab", "nodes": 2, "version": 2, "quorate": 1])
        #expect(clustered[1]["name"] == "n1" && clustered[1]["nodeid"] == 1 && clustered[1]["local"] == 1 && clustered[1]["online"] == 1)
        #expect(clustered[2]["name"] == "n2" && clustered[2]["nodeid"] == 2 && clustered[2]["local"] == 0 && clustered[2]["online"] == 1)
        #expect(clustered[2]["ip"] == "127.0.0.1")

        // n2 stops renewing: within its lease (and the cache's second) n1's stream shows it
        // offline and its guest unknown, and every list agrees.
        let subscriber = ResourceStreamTests.Subscriber(a, .localRoot)
        _ = await subscriber.next { $0["reset"] == 1 }
        renewB.cancel()
        let stopped = ContinuousClock.now
        let change = await subscriber.next { event in
            let updated = event["updated"] ?? .null
            return entry(updated, "node/n2")?["status"] == "offline" || entry(updated, "qemu/3150")?["status"] == "unknown"
        }
        let waited = ContinuousClock.now - stopped
        #expect(waited < lease + .seconds(4), "n2 went offline only after \(waited)")
        let after = try await get(a, "/cluster/resources")
        #expect(change != nil && entry(after, "node/n2")?["status"] == "offline")
        #expect(entry(after, "node/n2")?["cpu"] == nil, "an offline node has no figures")
        #expect(entry(after, "qemu/3150")?["status"] == "unknown")
        #expect(entry(after, "storage/n2/local")?["status"] == "unknown")
        #expect(entry(after, "node/n1")?["status"] == "online")
        #expect((try await get(a, "/nodes").arrayValue ?? []).last?["status"] == "offline")
        #expect((try await get(a, "/cluster/status").arrayValue ?? []).last?["online"] == 0)
        #expect(!(try await get(a, "/cluster/tasks").arrayValue ?? []).contains { $0["node"] == "n2" })
    }

    @Test func twoSQLiteInstancesOnOneFile() async throws {
        let shared = try TemporaryDirectory()
        defer { shared.remove() }
        try await Self.withNodes(
            try SQLiteConfigStore(path: shared.file("config.db")), try SQLiteConfigStore(path: shared.file("config.db"))
        ) { a, b in try await Self.anotherNodeShowsUpAndGoesAway(a, b) }
    }

    @Test(.enabled(if: EtcdCluster.isInstalled, "etcd-server not installed"))
    func twoEtcdStoresOnOneCluster() async throws {
        let cluster = try await EtcdCluster(members: 1)
        defer { cluster.stop() }
        let prefix = "/faro-cluster-view-\(UUID().uuidString)/"
        var stores: [EtcdConfigStore] = []
        do {
            for _ in 0..<2 {
                let client = try EtcdClient(
                    .init(endpoints: cluster.clientURLs, caFile: cluster.caFile, certificateFile: cluster.clientCertificate,
                        keyFile: cluster.clientKey))
                stores.append(
                    try await EtcdConfigStore.open(
                        client: client, replicaPath: cluster.directory.file("replica-\(UUID().uuidString).db"), prefix: prefix,
                        compactionInterval: nil))
            }
            try await Self.withNodes(stores[0], stores[1]) { a, b in try await Self.anotherNodeShowsUpAndGoesAway(a, b) }
        } catch {
            for store in stores { await store.shutdown() }
            throw error
        }
        for store in stores { await store.shutdown() }
    }

    /// A container running on n2 shows on n1 as running, with the figures n2 measured.
    @Test(.enabled(unlessMissing: ContainerAPITests.missing)) func aRunningGuestOfAnotherNodeShowsItsFigures() async throws {
        let shared = try TemporaryDirectory()
        defer { shared.remove() }
        try await Self.withNodes(
            try SQLiteConfigStore(path: shared.file("config.db")), try SQLiteConfigStore(path: shared.file("config.db"))
        ) { a, b in
            chmod(b.directory.path, 0o755)
            try await b.services.storage.bootstrap(hasDefaultThinPool: false)
            let cache = b.services.paths.localStorage + "/template/cache/"
            try FileIO.makeDirectory(cache)
            try FileManager.default.copyItem(atPath: try await BusyboxTemplate.archive(), toPath: cache + BusyboxTemplate.fileName)
            let api = ContainerAPITests()
            try await b.test { client in
                let ct = "/nodes/n2/lxc/3151"
                let created = try await api.runTask(
                    b, client, .post, "/nodes/n2/lxc",
                    "vmid=3151&ostemplate=local:vztmpl/\(BusyboxTemplate.fileName)&rootfs=local:0&hostname=onb&ostype=alpine&memory=128&swap=0")
                #expect(created == "OK")
                do {
                    #expect(try await api.runTask(b, client, .post, ct + "/status/start") == "OK")
                    try await Self.round(a)
                    try await Self.round(b)
                    let figures = try #require(await b.services.metrics.board.guest(3151))
                    #expect(figures.running && figures.memory > 0)
                    let shown = try await Self.eventually { () -> JSONValue? in
                        let guest = Self.entry(try await Self.get(a, "/cluster/resources"), "lxc/3151")
                        return guest?["status"] == "running" ? guest : nil
                    }
                    #expect(shown?["node"] == "n2" && shown?["mem"]?.intValue == figures.memory)
                    #expect(shown?["uptime"]?.intValue == figures.uptime && shown?["maxmem"]?.intValue == 128 << 20)
                } catch {
                    _ = try? await api.runTask(b, client, .post, ct + "/status/stop")
                    _ = try? await api.runTask(b, client, .delete, ct)
                    throw error
                }
                #expect(try await api.runTask(b, client, .post, ct + "/status/stop") == "OK")
                #expect(try await api.runTask(b, client, .delete, ct) == "OK")
            }
        }
    }

    /// Another node's status, written every round, leaves the caches built from other files
    /// alone: the access configuration is not reloaded and this node's guest configs are not
    /// parsed again; only the lists that show the status move.
    @Test func anotherNodesStatusRebuildsNoUnrelatedCache() async throws {
        let shared = try TemporaryDirectory()
        defer { shared.remove() }
        try await Self.withNodes(
            try SQLiteConfigStore(path: shared.file("config.db")), try SQLiteConfigStore(path: shared.file("config.db"))
        ) { a, b in
            try await a.store.create("nodes/n1/qemu-server/3152.conf", data: Array("name: here\nmemory: 128\n".utf8))
            try await Self.round(a)
            _ = await a.access.privileges(of: UserID("root@pam")!, on: "/")
            let (loads, parsed) = (await a.access.loads, await a.services.metrics.configRevision)
            for _ in 0..<5 {
                try await Self.round(b)
                try await Self.round(a)
                _ = await a.access.privileges(of: UserID("root@pam")!, on: "/")
            }
            #expect(await a.access.loads == loads, "n2's status reloaded user.cfg")
            #expect(await a.services.metrics.configRevision == parsed, "n2's status made n1 parse its configs again")
            let generation = await a.services.clusterStatus.currentGeneration()
            try await b.services.statusPublisher.withdraw()
            let moved = try await Self.eventually { await a.services.clusterStatus.currentGeneration() > generation ? true : nil }
            #expect(moved == true, "a withdrawn status moves the cluster status")
            #expect((try await Self.get(a, "/nodes").arrayValue ?? []).last?["status"] == "offline")
        }
    }
}
