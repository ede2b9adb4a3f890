import Synchronization

/// Fans committed changes out to watchers. Each watcher has its own bounded buffer; a watcher
/// that falls far behind loses the oldest changes rather than slowing writers down.
final class ChangeFeed: Sendable {
    private struct Watcher {
        let prefix: String
        let continuation: AsyncStream<StoreChange>.Continuation
    }

    private let watchers = Mutex<[Int: Watcher]>([:])
    private let nextID = Atomic<Int>(0)

    func subscribe(prefix: String) -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream<StoreChange>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = nextID.add(1, ordering: .relaxed).newValue
        watchers.withLock { $0[id] = Watcher(prefix: prefix, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.watchers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    var isEmpty: Bool { watchers.withLock { $0.isEmpty } }

    func publish(_ changes: [StoreChange]) {
        let current = watchers.withLock { Array($0.values) }
        for watcher in current {
            for change in changes where change.path.hasPrefix(watcher.prefix) {
                watcher.continuation.yield(change)
            }
        }
    }

    func finish() {
        let current = watchers.withLock { all in
            defer { all.removeAll() }
            return Array(all.values)
        }
        for watcher in current { watcher.continuation.finish() }
    }
}
