import FaroMetrics
import FaroModel
import FaroStore
import FaroTasks

/// Publishes this node's status in the store under a lease of its own, as Proxmox's pvestatd
/// broadcasts it: the node's figures, its running guests' live figures, its storages' space
/// and its newest tasks (`StoreLayout.statusDirectory`), after every collection round. Only
/// documents whose bytes changed are written. Every node reads every node's status from its
/// copy of the store; when this daemon stops renewing (it stopped, or lost its link), the
/// lease runs out and the others show the node offline and its guests unknown.
public actor StatusPublisher {
    let nodeName: String
    let store: any ConfigStore
    let metrics: MetricsCollector
    let tasks: TaskManager
    /// How long the status outlives the last renewal; renewed every third of it.
    public nonisolated let ttl: Duration
    /// What else the node document carries: the address and certificate other nodes show.
    let address: String
    let fingerprint: String
    let cgroupMode: Int
    private var lease: StoreLease?
    /// The bytes written last under the current lease, by path.
    private var published: [String: [UInt8]] = [:]
    /// The most tasks published: the running ones and the newest finished ones.
    static let maxTasks = 50

    init(
        nodeName: String, store: any ConfigStore, metrics: MetricsCollector, tasks: TaskManager, ttl: Duration, address: String,
        fingerprint: String, cgroupMode: Int
    ) {
        self.nodeName = nodeName
        self.store = store
        self.metrics = metrics
        self.tasks = tasks
        self.ttl = ttl
        self.address = address
        self.fingerprint = fingerprint
        self.cgroupMode = cgroupMode
    }

    /// Publishes the newest round's documents that changed since they were last published.
    /// A lease that ran out meanwhile is replaced and everything is published again.
    public func publish() async throws {
        let documents = await documents()
        for attempt in 0..<2 {
            let lease = try await currentLease()
            do {
                for (path, bytes) in documents where published[path] != bytes {
                    try await store.publish(path, data: bytes, lease: lease)
                    published[path] = bytes
                }
                return
            } catch StoreError.leaseExpired where attempt == 0 {
                forget(lease)
            }
        }
    }

    /// Renews the lease every third of its length until cancelled; a lease that ran out (the
    /// daemon was stopped in a debugger, the store was away) is replaced at the next round.
    public func keepAlive() async {
        while (try? await Task.sleep(for: ttl / 3)) != nil {
            guard let lease else { continue }
            do {
                try await store.renewLease(lease)
            } catch StoreError.leaseExpired {
                forget(lease)
                try? await publish()
            } catch {
                // No quorum or a busy database: tried again at the next renewal.
            }
        }
    }

    /// Stops publishing: the status is deleted now instead of when the lease runs out.
    public func withdraw() async throws {
        guard let lease else { return }
        forget(lease)
        try await store.revokeLease(lease)
    }

    private func currentLease() async throws -> StoreLease {
        if let lease { return lease }
        let fresh = try await store.grantLease(ttl: ttl)
        lease = fresh
        published = [:]
        return fresh
    }

    private func forget(_ expired: StoreLease) {
        guard lease == expired else { return }
        lease = nil
        published = [:]
    }

    /// The four documents as they would be written now, by path.
    func documents() async -> [(String, [UInt8])] {
        let board = metrics.board
        return Self.documents(
            node: nodeName, figures: await metrics.latestNode(), guests: await board.allGuests(), storages: await board.allStorages(),
            tasks: await tasks.list(source: "all").prefix(Self.maxTasks).map(Handlers.taskEntry), address: address,
            fingerprint: fingerprint, cgroupMode: cgroupMode)
    }

    /// The documents a node publishes, by path: its figures, its running guests' figures,
    /// its storages' space and its newest tasks (task list entries). Pure, so simulated
    /// nodes (`faro-store-tool`) publish exactly what a daemon does.
    public static func documents(
        node name: String, figures node: NodeFigures, guests: [GuestFigures], storages: [StorageFigures], tasks: [JSONValue],
        address: String, fingerprint: String, cgroupMode: Int
    ) -> [(String, [UInt8])] {
        let nodeDocument: JSONValue = [
            "cpu": .double(rounded(node.cpu)), "maxcpu": .int(node.cpus), "mem": .int(node.memoryUsed),
            "maxmem": .int(node.memoryTotal), "disk": .int(node.rootUsed), "maxdisk": .int(node.rootTotal),
            "uptime": .int(node.uptime), "level": "", "online": 1, "ip": .string(address),
            "ssl_fingerprint": .string(fingerprint), "cgroup-mode": .int(cgroupMode),
        ]
        var running: [String: JSONValue] = [:]
        for figures in guests where figures.running {
            running[String(figures.vmid)] = [
                "status": "running", "cpu": .double(rounded(figures.cpu)), "mem": .int(figures.memory),
                "disk": .int(figures.disk), "uptime": .int(figures.uptime), "netin": .int(figures.netIn),
                "netout": .int(figures.netOut), "diskread": .int(figures.diskRead), "diskwrite": .int(figures.diskWrite),
            ]
        }
        var space: [String: JSONValue] = [:]
        for figures in storages {
            space[figures.id] = [
                "active": .int(figures.active ? 1 : 0), "total": .int(figures.total), "used": .int(figures.used),
                "avail": .int(figures.available),
            ]
        }
        return [
            (StoreLayout.nodeStatus(name), JSONWriter.bytes(nodeDocument)),
            (StoreLayout.guestStatus(name), JSONWriter.bytes(.object(running))),
            (StoreLayout.storageStatus(name), JSONWriter.bytes(.object(space))),
            (StoreLayout.taskStatus(name), JSONWriter.bytes(.array(Array(tasks.prefix(maxTasks))))),
        ]
    }

    /// Shares to four places, so noise below that does not make a document differ.
    static func rounded(_ share: Double) -> Double { (share * 10_000).rounded() / 10_000 }
}
