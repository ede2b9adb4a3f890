import FaroAPI
import FaroAccess
import FaroCluster
import FaroEtcd
import FaroModel
import FaroStore
import FaroSupport
import FaroTasks
import FaroTesting
import Foundation
import Logging

/// `cluster-status-bench NODES GUESTS SECONDS`: NODES simulated nodes with GUESTS guest
/// configs each publish their status every 10 s (a third of their guests running) against a
/// real three-member etcd, through one store on the second member; an observing node's
/// services on the first member answer `/cluster/resources` (the resource index, in-process,
/// as root) in a loop for SECONDS. Prints `key=value` lines for `scripts/bench-cluster.sh`.
enum ClusterStatusBench {
    static func run(nodes: Int, guests: Int, seconds: Int) async throws {
        let cluster = try await EtcdCluster(members: 3)
        defer { cluster.stop() }
        let root = try TemporaryDirectory(prefix: "faro-bench-cluster")
        defer { root.remove() }
        func open(_ endpoint: String) async throws -> EtcdConfigStore {
            let client = try EtcdClient(
                .init(endpoints: [endpoint], caFile: cluster.caFile, certificateFile: cluster.clientCertificate, keyFile: cluster.clientKey))
            return try await EtcdConfigStore.open(
                client: client, replicaPath: root.file("replica-\(UUID().uuidString).db"), prefix: "/faro/", compactionInterval: nil)
        }
        let publishers = try await open(cluster.clientURLs[1])
        let observerStore = try await open(cluster.clientURLs[0])
        defer {
            Task { await publishers.shutdown() }
            Task { await observerStore.shutdown() }
        }
        let names = (1...nodes).map { "sim\($0)" }
        let seeding = ContinuousClock.now
        try await seed(publishers, names: names, guests: guests)
        report("seed_seconds", secondsText(ContinuousClock.now - seeding))

        let counters = Counters()
        let simulated = names.enumerated().map { index, name in
            SimulatedNode(name: name, vmids: (0..<guests).map { 1000 + index * guests + $0 }, running: guests / 3)
        }
        let interval = Duration.seconds(10)
        let running = simulated.enumerated().map { index, node in
            Task {
                // Rounds spread over the interval, as nodes started at different times are.
                try await node.run(
                    store: publishers, ttl: .seconds(10), interval: interval, offset: interval * Double(index) / Double(nodes),
                    until: nil, counters: counters)
            }
        }
        defer { for task in running { task.cancel() } }

        let services = try await observer(observerStore, root: root, names: names)
        // Warm-up: every node online and every guest listed.
        let warm = ContinuousClock.now
        while true {
            let bytes = try await list(services)
            let text = String(decoding: bytes, as: UTF8.self)
            let online = text.components(separatedBy: #""status":"online","type":"node""#).count - 1
            let listed = text.components(separatedBy: #""type":"qemu""#).count - 1
            if online > nodes, listed >= nodes * guests { break }
            guard ContinuousClock.now - warm < .seconds(180) else {
                throw BenchError("after 180 s the observer saw \(online - 1) of \(nodes) nodes online and \(listed) guests (\(counters.snapshot))")
            }
            try await Task.sleep(for: .seconds(1))
        }
        report("warmup_seconds", secondsText(ContinuousClock.now - warm))

        let startRevision = try await observerStore.currentRevision()
        let startCounters = counters.snapshot
        let start = ContinuousClock.now
        var latencies: [Duration] = []
        var size = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            let began = ContinuousClock.now
            size = try await list(services).count
            latencies.append(ContinuousClock.now - began)
            // A client polling as fast as it gets answers, leaving the publishers some CPU.
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = (ContinuousClock.now - start).totalSeconds
        let revisions = try await observerStore.currentRevision() - startRevision
        let end = counters.snapshot
        latencies.sort()
        report("nodes", "\(nodes)")
        report("guests", "\(nodes * guests)")
        report("etcd_revisions_per_second", String(format: "%.1f", Double(revisions) / elapsed))
        report("status_writes_per_second", String(format: "%.1f", Double(end.writes - startCounters.writes) / elapsed))
        report("lease_renewals_per_second", String(format: "%.1f", Double(end.renewals - startCounters.renewals) / elapsed))
        report("publisher_failures", "\(end.failures - startCounters.failures)")
        report("resources_requests", "\(latencies.count)")
        report("resources_bytes", "\(size)")
        report("resources_p50_ms", milliseconds(latencies[latencies.count / 2]))
        report("resources_p99_ms", milliseconds(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]))
        report("resources_builds", "\(await services.resources.buildCount)")
    }

    /// NODES × GUESTS VM configs, sixteen creates at a time.
    static func seed(_ store: any ConfigStore, names: [String], guests: Int) async throws {
        let all = names.enumerated().flatMap { index, name in (0..<guests).map { (name, 1000 + index * guests + $0) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (offset, (name, vmid)) in all.enumerated() {
                if offset >= 16 { try await group.next() }
                group.addTask {
                    let config = "cores: 2\nmemory: 2048\nname: sim-\(vmid)\nscsi0: local:\(vmid)/vm-\(vmid)-disk-0.qcow2,size=32G\n"
                    try await store.create(StoreLayout.guestConfig(node: name, kind: .qemu, vmid: VMID(vmid)!), data: Array(config.utf8))
                }
            }
            try await group.waitForAll()
        }
    }

    /// The observing node's services, under a root of its own, knowing every simulated node.
    static func observer(_ store: any ConfigStore, root: TemporaryDirectory, names: [String]) async throws -> NodeServices {
        let paths = NodePaths(root: root.file("observer"))
        for directory in [paths.configDir, paths.stateDir, paths.taskDir, paths.localStorage] { try FileIO.makeDirectory(directory) }
        let logger = Logger(label: "bench")
        let host = HostFacts()
        let clock: @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
        let tasks = try TaskManager(directory: paths.taskDir, node: "observer", pid: Int(getpid()), pstart: 1, clock: clock, logger: logger)
        let access = AccessService(store: store, clock: clock)
        try await access.bootstrap()
        let directory = StaticClusterDirectory(
            names.map { ClusterNode(name: $0, address: "127.0.0.1", fingerprint: Array(repeating: "AB", count: 32).joined(separator: ":")) })
        let services = NodeServices(
            nodeName: "observer", paths: paths, store: store, tasks: tasks, host: host, cpu: CPUUsageMonitor(host: host), access: access,
            authorizer: AccessAuthorizer(access: access), certificateFingerprint: "", logger: logger, clock: clock, cluster: directory)
        try await services.storage.bootstrap(hasDefaultThinPool: false)
        return services
    }

    static func list(_ services: NodeServices) async throws -> [UInt8] {
        guard case .encoded(let bytes) = try await services.resources.resources(type: nil, identity: .localRoot, authorizer: services.authorizer)
        else { throw BenchError("the resource list was not pre-encoded") }
        return bytes
    }

    static func report(_ key: String, _ value: String) { print("\(key)=\(value)") }
    static func secondsText(_ duration: Duration) -> String { String(format: "%.1f", duration.totalSeconds) }
    static func milliseconds(_ duration: Duration) -> String { String(format: "%.2f", duration.totalSeconds * 1000) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
