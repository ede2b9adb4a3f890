import FaroStore
import Foundation
import Synchronization

/// The local copy of the store's files (a `SQLiteTree`), kept current by one etcd watch. Reads
/// are served from it, so they are fast and keep working without quorum. After the history it
/// needs was compacted away it copies the whole tree again; watchers see the difference.
final class EtcdReplica: Sendable {
    let tree: SQLiteTree
    let client: EtcdClient
    let layout: EtcdLayout
    /// The etcd revision the copy is complete up to.
    private let applied: Mutex<Int64>
    /// Whether the watch is open (false while etcd cannot be reached or has no leader).
    let connected = Mutex(false)
    /// Whether the last attempt to follow etcd failed (unreachable, no leader), until the next
    /// message arrives; false before the first attempt, which follows a successful open.
    let lost = Mutex(false)

    init(tree: SQLiteTree, client: EtcdClient, layout: EtcdLayout) async throws {
        self.tree = tree
        self.client = client
        self.layout = layout
        applied = Mutex(try await tree.currentRevision())
    }

    var appliedRevision: Int64 { applied.withLock { $0 } }

    /// Copies every file from etcd (a linearizable read) and continues from its revision.
    func resync() async throws {
        let response = try await client.range(prefix: layout.filesPrefix)
        let files = response.kvs.compactMap { kv -> StoreFile? in
            guard let path = layout.path(ofKey: String(decoding: kv.key, as: UTF8.self)) else { return nil }
            let (data, mtime) = FileEnvelope.unwrap(Array(kv.value))
            return StoreFile(path: path, data: data, revision: kv.modRevision, mtime: mtime)
        }
        try await tree.replace(with: files, revision: response.header.revision)
        advance(to: response.header.revision)
    }

    /// Follows the watch until cancelled, reconnecting with a growing pause while etcd is away.
    func run() async {
        var pause = Duration.milliseconds(100)
        var needsResync = appliedRevision == 0
        while !Task.isCancelled {
            do {
                if needsResync {
                    try await resync()
                    needsResync = false
                }
                try await client.watch(prefix: layout.filesPrefix, startRevision: appliedRevision + 1) { result in
                    connected.withLock { $0 = true }
                    lost.withLock { $0 = false }
                    pause = .milliseconds(100)
                    try await receive(result)
                }
            } catch is Resync {
                needsResync = true
                continue
            } catch {
                // Unreachable, no leader or cancelled: try again after a pause.
            }
            connected.withLock { $0 = false }
            if !Task.isCancelled { lost.withLock { $0 = true } }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    struct Resync: Error {}

    private func receive(_ result: EtcdWatchMessage.Result) async throws {
        if result.canceled {
            // Cancelled because the revision it asked for was compacted: copy everything again.
            throw Resync()
        }
        if result.events.isEmpty {
            // A progress notice: everything up to its revision was delivered.
            if !result.created, result.header.revision > appliedRevision {
                try await tree.apply([], revision: result.header.revision)
                advance(to: result.header.revision)
            }
            return
        }
        // One etcd revision may carry several events (a rename, a create with its index).
        var batch: [SQLiteTree.ReplicaChange] = []
        var batchRevision = result.events[0].kv.modRevision
        for event in result.events {
            if event.kv.modRevision != batchRevision {
                try await commit(batch, revision: batchRevision)
                batch = []
                batchRevision = event.kv.modRevision
            }
            guard let path = layout.path(ofKey: String(decoding: event.kv.key, as: UTF8.self)) else { continue }
            if event.isDelete {
                batch.append(.delete(path: path))
            } else {
                let (data, mtime) = FileEnvelope.unwrap(Array(event.kv.value))
                batch.append(.put(path: path, data: data, mtime: mtime))
            }
        }
        try await commit(batch, revision: batchRevision)
    }

    private func commit(_ batch: [SQLiteTree.ReplicaChange], revision: Int64) async throws {
        guard revision > appliedRevision else { return }
        try await tree.apply(batch, revision: revision)
        advance(to: revision)
    }

    private func advance(to revision: Int64) {
        applied.withLock { $0 = max($0, revision) }
    }

    /// Waits until the copy holds `revision` (a write's own, so the writer reads what it
    /// wrote), for up to `timeout`; false if it did not get there.
    @discardableResult
    func waitUntilApplied(_ revision: Int64, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while appliedRevision < revision {
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(1))) != nil else { return false }
        }
        return true
    }
}
