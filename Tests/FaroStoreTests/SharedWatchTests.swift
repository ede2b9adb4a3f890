import FaroStore
import FaroTesting
import Synchronization
import Testing

/// Many subscribers, one store watch, and only the changes they care about.
@Suite(.timeLimit(.minutes(1))) struct SharedWatchTests {
    @Test func subscribersShareOneWatchAndSeeOnlyChangesOfInterest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = try SQLiteConfigStore(path: directory.file("config.db"))
        let store = LockKeeperTests.CountingStore(base)
        let shared = SharedWatch(store) { $0.hasSuffix(".conf") }
        let first = shared.subscribe()
        let second = shared.subscribe()
        #expect(store.watches.withLock { $0 } == 1)
        try await base.write("nodes/a/status", text: "busy\n")
        let revision = try await base.write("nodes/a/qemu-server/100.conf", data: [1], ifRevision: nil)
        for stream in [first, second] {
            var iterator = stream.makeAsyncIterator()
            #expect(await iterator.next() == .written(path: "nodes/a/qemu-server/100.conf", revision: revision))
        }
        _ = shared.subscribe()
        #expect(store.watches.withLock { $0 } == 1, "a third subscriber opened no watch of its own")
    }
}
