import FaroStore
import FaroTesting
import Synchronization
import Testing

/// `withLock` renews its lease while the work runs and stops when it ends. The test counts the
/// renewals `withLock` asks for and waits for them rather than for a deadline, so a test
/// process whose other tests hold its threads for seconds cannot fail it.
@Suite struct LockKeeperTests {
    /// A store that counts renewals (and grants each) and watches, and otherwise is the SQLite store.
    final class CountingStore: ConfigStore {
        let base: SQLiteConfigStore
        let renewals = Mutex(0)
        let watches = Mutex(0)
        /// Renewals answer that the lease lapsed and another holder took the lock.
        let lost: Bool

        init(_ base: SQLiteConfigStore, lost: Bool = false) {
            self.base = base
            self.lost = lost
        }

        func read(_ path: String) async throws -> StoreFile? { try await base.read(path) }
        func readTree(prefix: String) async throws -> [StoreFile] { try await base.readTree(prefix: prefix) }
        func list(_ directory: String) async throws -> [StoreEntry] { try await base.list(directory) }
        func keys(prefix: String) async throws -> [StoreKey] { try await base.keys(prefix: prefix) }
        func changes(after revision: Int64) async throws -> [StoreChange]? { try await base.changes(after: revision) }
        func create(_ path: String, data: [UInt8]) async throws -> Int64 { try await base.create(path, data: data) }
        func write(_ path: String, data: [UInt8], ifRevision: Int64?) async throws -> Int64 {
            try await base.write(path, data: data, ifRevision: ifRevision)
        }
        func delete(_ path: String, ifRevision: Int64?) async throws { try await base.delete(path, ifRevision: ifRevision) }
        func rename(_ path: String, to newPath: String) async throws -> Int64 { try await base.rename(path, to: newPath) }
        func currentRevision() async throws -> Int64 { try await base.currentRevision() }
        func watch(prefix: String) -> AsyncStream<StoreChange> {
            watches.withLock { $0 += 1 }
            return base.watch(prefix: prefix)
        }
        func isQuorate() async -> Bool { await base.isQuorate() }
        func grantLease(ttl: Duration) async throws -> StoreLease { try await base.grantLease(ttl: ttl) }
        func renewLease(_ lease: StoreLease) async throws { try await base.renewLease(lease) }
        func revokeLease(_ lease: StoreLease) async throws { try await base.revokeLease(lease) }
        func publish(_ path: String, data: [UInt8], lease: StoreLease) async throws -> Int64 {
            try await base.publish(path, data: data, lease: lease)
        }
        func acquireLock(_ name: String, lease: Duration, timeout: Duration) async throws -> StoreLock {
            try await base.acquireLock(name, lease: lease, timeout: timeout)
        }
        func renewLock(_ lock: StoreLock, lease: Duration) async throws {
            renewals.withLock { $0 += 1 }
            if lost { throw StoreError.lockLost(name: lock.name) }
        }
        func releaseLock(_ lock: StoreLock) async throws { try await base.releaseLock(lock) }
    }

    @Test func theLeaseIsRenewedWhileTheWorkRunsAndNoLonger() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = CountingStore(try SQLiteConfigStore(path: directory.file("config.db")))
        // Work that lasts until three renewals were asked for, a third of the lease apart.
        let started = ContinuousClock.now
        try await store.withLock("guest-300", lease: .milliseconds(300)) {
            while store.renewals.withLock({ $0 }) < 3, ContinuousClock.now - started < .seconds(120) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(store.renewals.withLock { $0 } >= 3, "the lease was renewed while the work ran")
        let renewed = store.renewals.withLock { $0 }
        try await Task.sleep(for: .milliseconds(500))
        #expect(store.renewals.withLock { $0 } == renewed, "no renewal after the work ended")
        let next = try await store.acquireLock("guest-300", lease: .seconds(5), timeout: .milliseconds(200))
        try await store.releaseLock(next)
        #expect(ContinuousClock.now - started >= .milliseconds(300), "renewals come a third of the lease apart")
    }

    /// Work that ran while its lock was lost is reported: the caller learns that it was not
    /// protected, and the keeper stops asking.
    @Test func aLockLostDuringTheWorkFailsTheCall() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = CountingStore(try SQLiteConfigStore(path: directory.file("config.db")), lost: true)
        let started = ContinuousClock.now
        await #expect(throws: StoreError.lockLost(name: "guest-301")) {
            try await store.withLock("guest-301", lease: .milliseconds(300)) {
                while store.renewals.withLock({ $0 }) < 1, ContinuousClock.now - started < .seconds(120) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(store.renewals.withLock { $0 } == 1, "no renewal after the lock was lost")
    }
}
