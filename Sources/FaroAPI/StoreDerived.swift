import FaroStore
import Synchronization

/// A value computed from the store and kept until the store's revision moves: a hot read
/// (the datacenter `console` choice every `/version` reports) costs one revision query
/// instead of a file read and a parse.
public final class StoreDerived<Value: Sendable>: Sendable {
    private let cached = Mutex<(revision: Int64, value: Value)?>(nil)

    public init() {}

    public func value(_ store: any ConfigStore, compute: () async throws -> Value) async throws -> Value {
        let revision = try await store.currentRevision()
        if let hit = cached.withLock({ $0 }), hit.revision == revision { return hit.value }
        // Read at `revision` or later: a newer value under an older key is only recomputed sooner.
        let value = try await compute()
        cached.withLock { $0 = (revision, value) }
        return value
    }
}
