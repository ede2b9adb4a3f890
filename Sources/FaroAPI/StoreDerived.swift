import FaroStore
import Synchronization

/// A value computed from some files of the store and kept until one of them changes: a hot
/// read (the datacenter `console` choice every `/version` reports) costs a revision check
/// instead of a file read and a parse, and writes to other files do not recompute it.
public final class StoreDerived<Value: Sendable>: Sendable {
    private let scope: ChangeScope
    private let cached = Mutex<(revision: Int64, value: Value)?>(nil)

    /// A value computed from `files`.
    public init(files: Set<String>) {
        scope = ChangeScope(files: files)
    }

    public func value(_ store: any ConfigStore, compute: () async throws -> Value) async throws -> Value {
        let revision = try await scope.revision(in: store)
        if let hit = cached.withLock({ $0 }), hit.revision == revision { return hit.value }
        // Read at `revision` or later: a newer value under an older key is only recomputed sooner.
        let value = try await compute()
        cached.withLock { $0 = (revision, value) }
        return value
    }
}
