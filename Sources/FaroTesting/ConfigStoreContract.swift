import FaroStore

/// What every `ConfigStore` backend must do. Each case takes a fresh, empty store; the
/// SQLite tests run them now and the etcd backend runs the same list.
public struct ConfigStoreContract: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (any ConfigStore) async throws -> Void
    public var description: String { name }

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
        .init(name: "write then read returns the bytes and a revision") { store in
            let revision = try await store.write("storage.cfg", data: Array("dir: local\n".utf8), ifRevision: nil)
            let file = try await store.read("storage.cfg")
            try check(file?.text == "dir: local\n", "content differs: \(String(describing: file?.text))")
            try check(file?.revision == revision, "revision differs")
            try check(try await store.currentRevision() == revision, "current revision is not the newest")
            try check(try await store.read("missing.cfg") == nil, "missing file read as present")
        },
        .init(name: "revisions increase with every change") { store in
            let first = try await store.write("a", data: [1], ifRevision: nil)
            let second = try await store.write("b", data: [2], ifRevision: nil)
            let third = try await store.write("a", data: [3], ifRevision: nil)
            try check(first < second && second < third, "revisions \(first) \(second) \(third) do not increase")
        },
        .init(name: "create is exclusive") { store in
            try await store.create("user.cfg", data: Array("x".utf8))
            try await expectError(.alreadyExists(path: "user.cfg")) {
                try await store.create("user.cfg", data: Array("y".utf8))
            }
            try check(try await store.read("user.cfg")?.text == "x", "a failed create changed the file")
        },
        .init(name: "a VMID is unique across nodes and guest types") { store in
            try await store.create("nodes/a/qemu-server/100.conf", data: Array("memory: 512\n".utf8))
            try await expectError(.vmidInUse(vmid: 100, existing: "nodes/a/qemu-server/100.conf")) {
                try await store.create("nodes/b/lxc/100.conf", data: Array("memory: 512\n".utf8))
            }
            try await expectError(.vmidInUse(vmid: 100, existing: "nodes/a/qemu-server/100.conf")) {
                try await store.write("nodes/a/lxc/100.conf", data: [1], ifRevision: nil)
            }
            try await store.create("nodes/b/lxc/101.conf", data: [1])
            try check(try await store.read("nodes/b/lxc/100.conf") == nil, "rejected config was stored")
        },
        .init(name: "compare-and-swap rejects a stale revision") { store in
            let first = try await store.write("datacenter.cfg", data: Array("a".utf8), ifRevision: nil)
            let second = try await store.write("datacenter.cfg", data: Array("b".utf8), ifRevision: first)
            try await expectError(.revisionMismatch(path: "datacenter.cfg")) {
                try await store.write("datacenter.cfg", data: Array("c".utf8), ifRevision: first)
            }
            try check(try await store.read("datacenter.cfg")?.revision == second, "stale write changed the file")
            try await expectError(.notFound(path: "other.cfg")) {
                try await store.write("other.cfg", data: [1], ifRevision: second)
            }
        },
        .init(name: "delete, with and without a revision") { store in
            let revision = try await store.write("x.cfg", data: [1], ifRevision: nil)
            try await expectError(.revisionMismatch(path: "x.cfg")) { try await store.delete("x.cfg", ifRevision: revision + 100) }
            try await store.delete("x.cfg", ifRevision: revision)
            try check(try await store.read("x.cfg") == nil, "deleted file still readable")
            try await expectError(.notFound(path: "x.cfg")) { try await store.delete("x.cfg", ifRevision: nil) }
        },
        .init(name: "rename moves a guest between nodes atomically") { store in
            try await store.create("nodes/a/qemu-server/200.conf", data: Array("name: web\n".utf8))
            try await store.create("nodes/b/qemu-server/201.conf", data: [1])
            try await store.rename("nodes/a/qemu-server/200.conf", to: "nodes/b/qemu-server/200.conf")
            try check(try await store.read("nodes/a/qemu-server/200.conf") == nil, "source still exists")
            try check(try await store.read("nodes/b/qemu-server/200.conf")?.text == "name: web\n", "target missing")
            try await expectError(.alreadyExists(path: "nodes/b/qemu-server/201.conf")) {
                try await store.rename("nodes/b/qemu-server/200.conf", to: "nodes/b/qemu-server/201.conf")
            }
            try await expectError(.notFound(path: "nodes/a/qemu-server/999.conf")) {
                try await store.rename("nodes/a/qemu-server/999.conf", to: "nodes/b/qemu-server/999.conf")
            }
        },
        .init(name: "list shows files and subdirectories") { store in
            try await store.write("nodes/a/qemu-server/100.conf", data: [1], ifRevision: nil)
            try await store.write("nodes/a/lxc/101.conf", data: [1], ifRevision: nil)
            try await store.write("nodes/b/config", data: [1], ifRevision: nil)
            try await store.write("storage.cfg", data: [1], ifRevision: nil)
            let top = try await store.list("")
            try check(top.map(\.name) == ["nodes", "storage.cfg"], "root lists \(top.map(\.name))")
            try check(top[0].isDirectory && !top[1].isDirectory, "directory flags wrong")
            let nodeA = try await store.list("nodes/a")
            try check(nodeA.map(\.name) == ["lxc", "qemu-server"], "nodes/a lists \(nodeA.map(\.name))")
            let tree = try await store.readTree(prefix: "nodes/")
            try check(tree.map(\.path) == ["nodes/a/lxc/101.conf", "nodes/a/qemu-server/100.conf", "nodes/b/config"],
                "readTree gives \(tree.map(\.path))")
        },
        .init(name: "invalid paths and oversized files are refused") { store in
            for path in ["/abs", "a/../b", "a//b", "", "a/./b", "trailing/", "nul\u{0}byte"] {
                try await expectError(.invalidPath(path)) { try await store.write(path, data: [1], ifRevision: nil) }
            }
            let big = [UInt8](repeating: 65, count: StorePath.maxFileSize + 1)
            try await expectError(.tooLarge(path: "big", size: big.count)) { try await store.write("big", data: big, ifRevision: nil) }
        },
        .init(name: "watchers see committed changes under their prefix") { store in
            let stream = store.watch(prefix: "nodes/")
            try await store.write("storage.cfg", data: [1], ifRevision: nil)
            let revision = try await store.write("nodes/a/qemu-server/300.conf", data: [1], ifRevision: nil)
            try await store.delete("nodes/a/qemu-server/300.conf", ifRevision: nil)
            var seen: [StoreChange] = []
            for await change in stream {
                seen.append(change)
                if seen.count == 2 { break }
            }
            try check(seen.first == .written(path: "nodes/a/qemu-server/300.conf", revision: revision), "first change \(seen)")
            try check(seen.last == .deleted(path: "nodes/a/qemu-server/300.conf", revision: revision + 1), "second change \(seen)")
        },
        .init(name: "a lock is exclusive until released or its lease lapses") { store in
            let lock = try await store.acquireLock("vm-100", lease: .seconds(30), timeout: .seconds(1))
            try await expectError(.lockTimeout(name: "vm-100")) {
                _ = try await store.acquireLock("vm-100", lease: .seconds(30), timeout: .milliseconds(200))
            }
            try await store.renewLock(lock, lease: .seconds(30))
            try await store.releaseLock(lock)
            let short = try await store.acquireLock("vm-100", lease: .milliseconds(300), timeout: .seconds(1))
            let next = try await store.acquireLock("vm-100", lease: .seconds(30), timeout: .seconds(3))
            try await expectError(.lockLost(name: "vm-100")) { try await store.renewLock(short, lease: .seconds(1)) }
            try await store.releaseLock(next)
        },
    ]
}
