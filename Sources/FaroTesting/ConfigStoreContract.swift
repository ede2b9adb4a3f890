import FaroStore

/// What every `ConfigStore` backend must do. Each case takes a fresh, empty store as two
/// handles: `store`, through which it writes, and `other`, through which it checks what another
/// node (another instance on the same backend) sees. Backends run every case with one instance
/// passed twice and with two instances on one backend (two stores on one SQLite file, or two
/// on one etcd prefix). Revisions are only compared for order: on etcd they are cluster-wide
/// and other tests move them too.
public struct ConfigStoreContract: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (_ store: any ConfigStore, _ other: any ConfigStore) async throws -> Void
    public var description: String { name }

    public init(name: String, run: @escaping @Sendable (_ store: any ConfigStore, _ other: any ConfigStore) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static func check(_ condition: Bool, _ message: String) throws {
        if !condition { throw Failure(description: message) }
    }

    static func expectError(_ expected: StoreError, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreError {
            try check(error == expected, "expected \(expected), got \(error)")
            return
        }
        throw Failure(description: "expected \(expected), but the call succeeded")
    }

    public static let cases: [ConfigStoreContract] = [
        .init(name: "write then read returns the bytes and a revision") { store, other in
            let revision = try await store.write("storage.cfg", data: Array("dir: local\n".utf8), ifRevision: nil)
            let file = try await store.read("storage.cfg")
            try check(file?.text == "dir: local\n", "content differs: \(String(describing: file?.text))")
            try check(file?.revision == revision, "revision differs")
            try check(try await store.currentRevision() >= revision, "current revision is older than the write")
            try check(try await store.read("missing.cfg") == nil, "missing file read as present")
            let seen = try await eventually { try await other.read("storage.cfg") }
            try check(seen?.text == "dir: local\n" && seen?.revision == revision, "the other instance reads \(String(describing: seen))")
            try check(try await other.currentRevision() >= revision, "the other instance's revision is older than the write")
        },
        .init(name: "revisions increase with every change") { store, other in
            let first = try await store.write("a", data: [1], ifRevision: nil)
            let second = try await other.write("b", data: [2], ifRevision: nil)
            let third = try await store.write("a", data: [3], ifRevision: nil)
            try check(first < second && second < third, "revisions \(first) \(second) \(third) do not increase")
        },
        .init(name: "create is exclusive") { store, other in
            try await store.create("user.cfg", data: Array("x".utf8))
            try await expectError(.alreadyExists(path: "user.cfg")) {
                try await other.create("user.cfg", data: Array("y".utf8))
            }
            try check(try await store.read("user.cfg")?.text == "x", "a failed create changed the file")
        },
        .init(name: "a VMID is unique across nodes and guest types") { store, other in
            try await store.create("nodes/a/qemu-server/100.conf", data: Array("memory: 512\n".utf8))
            try await expectError(.vmidInUse(vmid: 100, existing: "nodes/a/qemu-server/100.conf")) {
                try await other.create("nodes/b/lxc/100.conf", data: Array("memory: 512\n".utf8))
            }
            try await expectError(.vmidInUse(vmid: 100, existing: "nodes/a/qemu-server/100.conf")) {
                try await other.write("nodes/a/lxc/100.conf", data: [1], ifRevision: nil)
            }
            try await other.create("nodes/b/lxc/101.conf", data: [1])
            try check(try await store.read("nodes/b/lxc/100.conf") == nil, "rejected config was stored")
            // Deleting a guest frees its VMID for another node.
            try await store.delete("nodes/a/qemu-server/100.conf", ifRevision: nil)
            try await other.create("nodes/b/lxc/100.conf", data: [2])
        },
        .init(name: "two creates of one VMID at once: exactly one wins") { store, other in
            let wins = await withTaskGroup(of: Bool.self) { group in
                for node in 0..<6 {
                    let handle = node % 2 == 0 ? store : other
                    group.addTask { (try? await handle.create("nodes/n\(node)/qemu-server/500.conf", data: [1])) != nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try check(wins == 1, "\(wins) creates of VMID 500 succeeded")
        },
        .init(name: "compare-and-swap rejects a stale revision") { store, other in
            let first = try await store.write("datacenter.cfg", data: Array("a".utf8), ifRevision: nil)
            let second = try await other.write("datacenter.cfg", data: Array("b".utf8), ifRevision: first)
            try await expectError(.revisionMismatch(path: "datacenter.cfg")) {
                try await store.write("datacenter.cfg", data: Array("c".utf8), ifRevision: first)
            }
            try check(try await store.read("datacenter.cfg")?.revision == second, "stale write changed the file")
            try await expectError(.notFound(path: "other.cfg")) {
                try await store.write("other.cfg", data: [1], ifRevision: second)
            }
        },
        .init(name: "delete, with and without a revision") { store, other in
            let revision = try await store.write("x.cfg", data: [1], ifRevision: nil)
            try await expectError(.revisionMismatch(path: "x.cfg")) { try await other.delete("x.cfg", ifRevision: revision + 100) }
            try await other.delete("x.cfg", ifRevision: revision)
            try check(try await other.read("x.cfg") == nil, "deleted file still readable")
            try await expectError(.notFound(path: "x.cfg")) { try await store.delete("x.cfg", ifRevision: nil) }
        },
        .init(name: "rename moves a guest between nodes atomically") { store, other in
            try await store.create("nodes/a/qemu-server/200.conf", data: Array("name: web\n".utf8))
            try await store.create("nodes/b/qemu-server/201.conf", data: [1])
            let revision = try await store.rename("nodes/a/qemu-server/200.conf", to: "nodes/b/qemu-server/200.conf")
            try check(try await store.read("nodes/a/qemu-server/200.conf") == nil, "source still exists")
            let moved = try await store.read("nodes/b/qemu-server/200.conf")
            try check(moved?.text == "name: web\n" && moved?.revision == revision, "target missing or at another revision")
            try await expectError(.alreadyExists(path: "nodes/b/qemu-server/201.conf")) {
                try await other.rename("nodes/b/qemu-server/200.conf", to: "nodes/b/qemu-server/201.conf")
            }
            try await expectError(.notFound(path: "nodes/a/qemu-server/999.conf")) {
                try await other.rename("nodes/a/qemu-server/999.conf", to: "nodes/b/qemu-server/999.conf")
            }
            // The VMID went with the file: it is still taken, and only once.
            try await expectError(.vmidInUse(vmid: 200, existing: "nodes/b/qemu-server/200.conf")) {
                try await other.create("nodes/a/lxc/200.conf", data: [1])
            }
        },
        .init(name: "list shows files and subdirectories; keys lists without reading") { store, other in
            try await store.write("nodes/a/qemu-server/100.conf", data: [1], ifRevision: nil)
            try await store.write("nodes/a/lxc/101.conf", data: [1], ifRevision: nil)
            try await store.write("nodes/b/config", data: [1], ifRevision: nil)
            let last = try await store.write("storage.cfg", data: [1], ifRevision: nil)
            _ = try await eventually { try await other.read("storage.cfg") }
            let top = try await other.list("")
            try check(top.map(\.name) == ["nodes", "storage.cfg"], "root lists \(top.map(\.name))")
            try check(top[0].isDirectory && !top[1].isDirectory && top[1].revision == last, "directory flags or revision wrong")
            let nodeA = try await other.list("nodes/a")
            try check(nodeA.map(\.name) == ["lxc", "qemu-server"], "nodes/a lists \(nodeA.map(\.name))")
            let tree = try await other.readTree(prefix: "nodes/")
            try check(tree.map(\.path) == ["nodes/a/lxc/101.conf", "nodes/a/qemu-server/100.conf", "nodes/b/config"],
                "readTree gives \(tree.map(\.path))")
            let keys = try await other.keys(prefix: "nodes/a/")
            try check(keys == tree.prefix(2).map { StoreKey(path: $0.path, revision: $0.revision) }, "keys gives \(keys)")
            try check(try await other.keys(prefix: "none/").isEmpty, "keys of an empty prefix")
        },
        .init(name: "invalid paths and oversized files are refused") { store, _ in
            for path in ["/abs", "a/../b", "a//b", "", "a/./b", "trailing/", "nul\u{0}byte"] {
                try await expectError(.invalidPath(path)) { try await store.write(path, data: [1], ifRevision: nil) }
            }
            let big = [UInt8](repeating: 65, count: StorePath.maxFileSize + 1)
            try await expectError(.tooLarge(path: "big", size: big.count)) { try await store.write("big", data: big, ifRevision: nil) }
        },
        .init(name: "watchers see committed changes under their prefix") { store, other in
            let stream = other.watch(prefix: "nodes/")
            try await store.write("storage.cfg", data: [1], ifRevision: nil)
            let revision = try await store.write("nodes/a/qemu-server/300.conf", data: [1], ifRevision: nil)
            try await store.delete("nodes/a/qemu-server/300.conf", ifRevision: nil)
            var seen: [StoreChange] = []
            for await change in stream {
                seen.append(change)
                if seen.count == 2 { break }
            }
            try check(seen.first == .written(path: "nodes/a/qemu-server/300.conf", revision: revision), "first change \(seen)")
            guard case .deleted(let path, let deleted) = seen.last, path == "nodes/a/qemu-server/300.conf", deleted > revision else {
                throw Failure(description: "second change \(seen)")
            }
        },
        .init(name: "the changes after a revision, in order") { store, other in
            let start = try await store.write("before", data: [1], ifRevision: nil)
            let first = try await store.write("nodes/a/config", data: [1], ifRevision: nil)
            let second = try await store.write("user.cfg", data: [1], ifRevision: nil)
            try await store.delete("nodes/a/config", ifRevision: nil)
            let third = try await store.write("after", data: [1], ifRevision: nil)
            _ = try await eventually { try await other.read("after") }
            guard let changes = try await other.changes(after: start) else { throw Failure(description: "no history after \(start)") }
            let mine = changes.filter { ["nodes/a/config", "user.cfg", "after"].contains($0.path) && $0.revision <= third }
            try check(mine.count == 4, "changes \(mine)")
            try check(mine[0] == .written(path: "nodes/a/config", revision: first) && mine[1] == .written(path: "user.cfg", revision: second),
                "first two changes \(mine)")
            guard case .deleted("nodes/a/config", let deleted) = mine[2], deleted > second, mine[3] == .written(path: "after", revision: third)
            else { throw Failure(description: "last two changes \(mine)") }
            try check(changes.map(\.revision) == changes.map(\.revision).sorted(), "changes out of order")
        },
        .init(name: "a lock is exclusive until released or its lease lapses") { store, other in
            let lock = try await store.acquireLock("vm-100", lease: .seconds(30), timeout: .seconds(1))
            try await expectError(.lockTimeout(name: "vm-100")) {
                _ = try await other.acquireLock("vm-100", lease: .seconds(30), timeout: .milliseconds(200))
            }
            try await store.renewLock(lock, lease: .seconds(30))
            try await store.releaseLock(lock)
            // etcd leases last at least two seconds, so the lapse is waited for generously.
            let short = try await other.acquireLock("vm-100", lease: .milliseconds(300), timeout: .seconds(1))
            let next = try await store.acquireLock("vm-100", lease: .seconds(30), timeout: .seconds(6))
            try await expectError(.lockLost(name: "vm-100")) { try await other.renewLock(short, lease: .seconds(1)) }
            try await store.releaseLock(next)
        },
        .init(name: "a published entry lives while its lease is renewed, then vanishes for everyone") { store, other in
            let quorate = (await store.isQuorate(), await other.isQuorate())
            try check(quorate == (true, true), "a healthy store is not quorate")
            let stream = other.watch(prefix: "status/")
            let (lease, revision) = try await publishRenewedPastItsTTL(store, other)
            try check(try await other.read("status/a/node") != nil, "an entry of a renewed lease vanished")
            // No more renewals: gone within the lease (etcd may add an election's worth).
            let gone = try await eventually(for: .seconds(15)) { try await other.read("status/a/node") == nil ? true : nil }
            try check(gone == true, "the entry outlived its lease")
            var changes: [StoreChange] = []
            for await change in stream {
                changes.append(change)
                if case .deleted(_, let deleted) = change, deleted > revision { break }
            }
            try check(changes.contains(.written(path: "status/a/node", revision: revision)), "watched \(changes)")
            try await expectError(.leaseExpired(id: lease.id)) { try await store.renewLease(lease) }
            try await expectError(.leaseExpired(id: lease.id)) { try await store.publish("status/a/node", data: [1], lease: lease) }
        },
        .init(name: "revoking a lease deletes its entries; guest configs are never ephemeral") { store, other in
            let lease = try await other.grantLease(ttl: .seconds(120))
            try await other.publish("status/b/node", data: [1], lease: lease)
            try await other.publish("status/b/tasks", data: [2], lease: lease)
            try await store.write("status/b/kept", data: [3], ifRevision: nil)
            try await expectError(.invalidPath("nodes/b/qemu-server/100.conf")) {
                try await other.publish("nodes/b/qemu-server/100.conf", data: [1], lease: lease)
            }
            try await other.revokeLease(lease)
            let left = try await eventually { () -> [String]? in
                let paths = try await store.keys(prefix: "status/").map(\.path)
                return paths == ["status/b/kept"] ? paths : nil
            }
            try check(left == ["status/b/kept"], "entries left after the revoke")
        },
    ]

    /// Publishes `status/a/node` under a 5 s lease through `store`, checks `other` reads it,
    /// and renews the lease every half second until it has outlived its TTL. A test process
    /// can stall for longer than the lease (its threads busy elsewhere); then the lease rightly
    /// lapsed, which the renewal reports, and the round is run again with a new lease.
    static func publishRenewedPastItsTTL(_ store: any ConfigStore, _ other: any ConfigStore) async throws -> (StoreLease, Int64) {
        let ttl = Duration.seconds(5)
        for _ in 0..<3 {
            let granted = ContinuousClock.now
            let lease = try await store.grantLease(ttl: ttl)
            let revision = try await store.publish("status/a/node", data: Array("cpu 0.5".utf8), lease: lease)
            let seen = try await eventually { try await other.read("status/a/node") }
            try check(seen?.text == "cpu 0.5" && seen?.revision == revision, "the other instance reads \(String(describing: seen))")
            try check(try await other.keys(prefix: "status/").map(\.path) == ["status/a/node"], "keys of status/")
            var renewed = granted
            do {
                while ContinuousClock.now - granted < ttl + .seconds(1) {
                    try await Task.sleep(for: .milliseconds(500))
                    try await store.renewLease(lease)
                    renewed = .now
                }
                return (lease, revision)
            } catch StoreError.leaseExpired {
                // Only a renewal that came too late may find the lease gone.
                try check(ContinuousClock.now - renewed >= ttl - .seconds(1), "a lease renewed in time expired")
            }
        }
        throw Failure(description: "the test process stalled longer than the lease three times")
    }

    /// Polls `body` until it gives a value, for up to 5 s: another instance may learn of a
    /// write a moment later (an etcd replica applies it from its watch).
    static func eventually<T>(for limit: Duration = .seconds(5), _ body: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let value = try await body() { return value }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
