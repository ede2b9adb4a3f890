import FaroAPI
import FaroMetrics
import FaroModel
import FaroStore
import Foundation
import Synchronization

/// A node that only publishes status, as a daemon's `StatusPublisher` does (the same
/// documents, built by `StatusPublisher.documents`), with made-up figures that change every
/// round: for benchmarks of many nodes and for GUI tests of another node.
struct SimulatedNode: Sendable {
    let name: String
    /// The VMIDs of its guests; the first `running` of them run.
    let vmids: [Int]
    let running: Int
    let started = Int(Date().timeIntervalSince1970)

    /// The documents of round `round`: cpu shares and counters move, so every round writes
    /// the node and guest documents and leaves storage and tasks as they were.
    func documents(round: Int) -> [(String, [UInt8])] {
        let now = Date().timeIntervalSince1970
        var node = NodeFigures(
            time: now, cpu: Double((round * 37 + name.count) % 100) / 100, iowait: 0, idle: 0, cpus: 16, loadAverage: ["0.5", "0.4", "0.3"],
            memoryTotal: 64 << 30, memoryUsed: (16 << 30) + round % 1024 * 4096, memoryFree: 48 << 30, memoryAvailable: 48 << 30,
            swapTotal: 0, swapUsed: 0, rootTotal: 100 << 30, rootUsed: 20 << 30, rootFree: 80 << 30, rootAvailable: 80 << 30,
            uptime: Int(now) - started + 3600, nics: [:])
        node.cpu = min(1, node.cpu)
        let guests = vmids.prefix(running).enumerated().map { index, vmid in
            var figures = GuestFigures(
                kind: .qemu, vmid: vmid, name: "sim-\(vmid)", time: now, running: true, cpus: 2, maxMemory: 2 << 30, maxDisk: 32 << 30)
            figures.cpu = Double((round + index) % 50) / 100
            figures.memory = (1 << 30) + (round * 4096 + index) % (1 << 20)
            figures.uptime = Int(now) - started + index
            figures.netIn = round * 1_000 + index
            figures.netOut = round * 500 + index
            return figures
        }
        let storage = StorageFigures(id: "local", time: now, active: true, total: 100 << 30, used: 20 << 30, available: 80 << 30)
        let upid = "UPID:\(name):00001000:00000001:\(String(started, radix: 16, uppercase: true)):vzdump::root@pam:"
        let task: JSONValue = [
            "upid": .string(upid), "node": .string(name), "pid": 4096, "pstart": 1, "starttime": .int(started), "type": "vzdump",
            "id": "", "user": "root@pam", "endtime": .int(started + 5), "status": "OK",
        ]
        return StatusPublisher.documents(
            node: name, figures: node, guests: guests, storages: [storage], tasks: [task], address: "127.0.0.1",
            fingerprint: Array(repeating: "AB", count: 32).joined(separator: ":"), cgroupMode: 2)
    }

    /// Publishes a round every `interval` and renews the lease every third of `ttl` until
    /// `deadline` (or forever), then stops renewing, so the lease runs out as a dead node's
    /// does. Counts the writes and renewals it made.
    func run(
        store: any ConfigStore, ttl: Duration, interval: Duration, offset: Duration = .zero, until deadline: ContinuousClock.Instant?,
        counters: Counters
    ) async throws {
        try? await Task.sleep(for: offset)
        var lease = try await store.grantLease(ttl: ttl)
        var published: [String: [UInt8]] = [:]
        var round = 0
        var nextRound = ContinuousClock.now
        var nextRenewal = ContinuousClock.now + ttl / 3
        while deadline.map({ ContinuousClock.now < $0 }) ?? true, !Task.isCancelled {
            do {
                if ContinuousClock.now >= nextRound {
                    for (path, bytes) in documents(round: round) where published[path] != bytes {
                        try await store.publish(path, data: bytes, lease: lease)
                        published[path] = bytes
                        counters.add(writes: 1)
                    }
                    round += 1
                    nextRound = nextRound + interval
                }
                if ContinuousClock.now >= nextRenewal {
                    nextRenewal = nextRenewal + ttl / 3
                    try await store.renewLease(lease)
                    counters.add(renewals: 1)
                }
            } catch StoreError.leaseExpired {
                // Renewed too late (a busy machine): a new lease, and everything again, as a daemon does.
                counters.add(failures: 1)
                lease = try await store.grantLease(ttl: ttl)
                published = [:]
            } catch {
                counters.add(failures: 1)
            }
            try? await Task.sleep(until: min(nextRound, nextRenewal))
        }
    }
}

/// Writes and renewals of all simulated nodes together.
final class Counters: Sendable {
    private let state = Mutex<(writes: Int, renewals: Int, failures: Int)>((0, 0, 0))
    func add(writes: Int = 0, renewals: Int = 0, failures: Int = 0) {
        state.withLock {
            $0.writes += writes
            $0.renewals += renewals
            $0.failures += failures
        }
    }
    var snapshot: (writes: Int, renewals: Int, failures: Int) { state.withLock { $0 } }
}
