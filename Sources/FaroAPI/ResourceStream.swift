import FaroModel
import FaroStore
import ServiceLifecycle

/// Pushes the changes of `/cluster/resources` to one subscriber. Every wake-up (a change to a file
/// the list is built from,
/// or the status sample moving on) rebuilds the caller's visible list only when the index
/// version moved, diffs it against what was sent, and sends the difference as one event.
/// Visibility is evaluated per caller at every change, so an ACL change adds or removes
/// entries like any other change.
struct ResourceStream: Sendable {
    let resources: ResourceIndex
    let authorizer: any Authorizer
    let identity: Identity
    let type: String?
    /// How often the status sample is checked, and comment lines keep the connection alive.
    var statusPoll: Duration = .seconds(1)
    var heartbeat: Duration = .seconds(15)
    /// Changes that arrive together (a burst of writes) are sent as one event.
    var settle: Duration = .milliseconds(50)

    func run(send: (ServerSentEvent) async throws -> Void) async throws {
        // The index's one store watch, shared by every stream of the daemon.
        let changes = resources.changes()
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake.yield()
        // Ending the wake-ups ends the stream, so a daemon shutting down is not held up by it.
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in changes { wake.yield() }
                }
                group.addTask {
                    while (try? await Task.sleep(for: statusPoll)) != nil { wake.yield() }
                }
                defer { group.cancelAll() }
                try await send(ServerSentEvent(retry: 2000))
                try await stream(wakeups, send: send)
            }
        } onGracefulShutdown: {
            wake.finish()
        }
    }

    private func stream(_ wakeups: AsyncStream<Void>, send: (ServerSentEvent) async throws -> Void) async throws {
        var sent: [String: [UInt8]] = [:]
        var version: ResourceIndex.Version?
        var quietSince = ContinuousClock.now
        var first = true
        for await _ in wakeups {
            if !first, try await resources.currentVersion() == version {
                if ContinuousClock.now - quietSince >= heartbeat {
                    try await send(ServerSentEvent(comment: "keep-alive"))
                    quietSince = .now
                }
                continue
            }
            if !first { try? await Task.sleep(for: settle) }
            let (entries, built) = try await resources.visibleEntries(type: type, identity: identity, authorizer: authorizer)
            version = built
            let change = Self.difference(from: sent, to: entries)
            sent = Dictionary(entries.map { ($0.id, $0.bytes) }, uniquingKeysWith: { _, last in last })
            if first || !change.updated.isEmpty || !change.removed.isEmpty {
                try await send(Self.event(change, reset: first, revision: built.revision))
                quietSince = .now
            }
            first = false
        }
    }

    /// The entries that are new or differ from what was sent, and the ids that went away.
    static func difference(
        from sent: [String: [UInt8]], to entries: [ResourceEntry]
    ) -> (updated: [ResourceEntry], removed: [String]) {
        let updated = entries.filter { sent[$0.id] != $0.bytes }
        let current = Set(entries.map(\.id))
        return (updated, sent.keys.filter { !current.contains($0) }.sorted())
    }

    static func event(_ change: (updated: [ResourceEntry], removed: [String]), reset: Bool, revision: Int64) -> ServerSentEvent {
        var data = Array(#"{"reset":"#.utf8) + Array((reset ? "1" : "0").utf8) + Array(#","updated":["#.utf8)
        for (index, entry) in change.updated.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(contentsOf: entry.bytes)
        }
        data.append(contentsOf: #"],"removed":"#.utf8)
        data.append(contentsOf: JSONWriter.bytes(.array(change.removed.map(JSONValue.string))))
        data.append(UInt8(ascii: "}"))
        return ServerSentEvent(event: "resources", id: String(revision), data: data)
    }
}
