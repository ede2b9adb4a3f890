import Synchronization

/// The revision of the newest change to the files one cache is built from. A cache keyed on it
/// survives changes elsewhere in the store: the status other nodes write every second does not
/// throw away the parsed access configuration or the resource list. It asks the store for the
/// changes since it last looked (one query per store change, none while the store is still),
/// and when the store no longer keeps that history it assumes its files changed.
public final class ChangeScope: Sendable {
    private let matches: @Sendable (String) -> Bool
    /// The store revision looked at last, and the newest revision that touched the scope by then.
    private let state = Mutex<(checked: Int64, relevant: Int64)?>(nil)

    public init(_ matches: @escaping @Sendable (_ path: String) -> Bool) {
        self.matches = matches
    }

    /// A scope over these files and everything under these directory prefixes.
    public convenience init(files: Set<String>, prefixes: [String] = []) {
        self.init { path in files.contains(path) || prefixes.contains { path.hasPrefix($0) } }
    }

    /// A revision that moves when, and only when, a file of the scope changed. Equal answers
    /// mean the scope's files are as they were.
    public func revision(in store: any ConfigStore) async throws -> Int64 {
        let current = try await store.currentRevision()
        let seen = state.withLock { $0 }
        if let seen, seen.checked >= current { return seen.relevant }
        var relevant = current
        if let seen, let changes = try await store.changes(after: seen.checked),
            !changes.contains(where: { $0.revision <= current && matches($0.path) })
        {
            relevant = seen.relevant
        }
        return state.withLock { state in
            if let state, state.checked >= current { return state.relevant }
            state = (current, max(relevant, state?.relevant ?? relevant))
            return state!.relevant
        }
    }
}
