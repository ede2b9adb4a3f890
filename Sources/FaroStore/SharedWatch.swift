import Synchronization

/// One watch of the store shared by many subscribers: however many clients follow the resource
/// stream, the store is watched once, and only changes of interest wake them. The watch starts
/// with the first subscriber and lasts as long as this value.
public final class SharedWatch: Sendable {
    private let store: any ConfigStore
    private let matches: @Sendable (String) -> Bool
    private let feed = ChangeFeed()
    private let pump = Mutex<Task<Void, Never>?>(nil)

    /// Watches `store` for changes to paths `matches` accepts.
    public init(_ store: any ConfigStore, matching matches: @escaping @Sendable (_ path: String) -> Bool) {
        self.store = store
        self.matches = matches
    }

    deinit {
        pump.withLock { $0?.cancel() }
        feed.finish()
    }

    /// The changes of interest committed after the call.
    public func subscribe() -> AsyncStream<StoreChange> {
        let stream = feed.subscribe(prefix: "")
        pump.withLock { pump in
            guard pump == nil else { return }
            // The store's stream starts before the first subscriber returns, so it misses nothing.
            let changes = store.watch(prefix: "")
            pump = Task { [feed, matches] in
                for await change in changes where matches(change.path) { feed.publish([change]) }
            }
        }
        return stream
    }
}
