import Foundation
import GRDB
import Synchronization

/// The file tree in one SQLite database (WAL mode): files with their revision and mtime, the
/// newest revision, and a log of recent changes. `SQLiteConfigStore` writes it directly; the
/// etcd store keeps its local replica in it. Watchers are fed from the change log, so a
/// watcher also sees what another process or store instance committed to the same database.
public final class SQLiteTree: Sendable {
    let pool: DatabasePool
    let feed = ChangeFeed()
    /// The revision up to which watchers were told, and whether a task looks for commits made
    /// by others (it runs while anyone watches).
    private let delivery: Mutex<(published: Int64, polling: Bool)>
    /// How many revisions of change log are kept.
    static let historyLimit: Int64 = 10_000
    /// How often the tree looks for changes other writers committed, while watched.
    static let pollInterval: Duration = .milliseconds(200)

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS files (
                        path TEXT PRIMARY KEY NOT NULL,
                        data BLOB NOT NULL,
                        revision INTEGER NOT NULL,
                        mtime INTEGER NOT NULL,
                        vmid INTEGER
                    );
                    CREATE UNIQUE INDEX IF NOT EXISTS files_vmid ON files(vmid) WHERE vmid IS NOT NULL;
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0);
                    CREATE TABLE IF NOT EXISTS changes (
                        revision INTEGER NOT NULL,
                        path TEXT NOT NULL,
                        deleted INTEGER NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS changes_revision ON changes(revision);
                    INSERT OR IGNORE INTO meta(key, value) SELECT 'history', value FROM meta WHERE key = 'revision';
                    """)
            // Ephemeral entries (`ConfigStore.publish`) carry their lease and when it runs out;
            // a replica never sets them (etcd deletes such keys itself).
            let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(files)").map { $0["name"] as String })
            if !columns.contains("expires") {
                try db.execute(sql: "ALTER TABLE files ADD COLUMN lease INTEGER; ALTER TABLE files ADD COLUMN expires REAL")
            }
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS files_expires ON files(expires) WHERE expires IS NOT NULL")
        }
        let revision = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") }
        delivery = Mutex((revision ?? 0, false))
    }

    deinit { feed.finish() }

    // MARK: reading

    public func read(_ path: String) async throws -> StoreFile? {
        try StorePath.validate(path)
        return try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT path, data, revision, mtime FROM files WHERE path = ? AND \(Self.live)", arguments: [path, Self.now()]
            ).map(Self.file)
        }
    }

    public func readTree(prefix: String) async throws -> [StoreFile] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT path, data, revision, mtime FROM files WHERE substr(path, 1, ?) = ? AND \(Self.live) ORDER BY path",
                arguments: [prefix.utf8.count, prefix, Self.now()]
            ).map(Self.file)
        }
    }

    public func keys(prefix: String) async throws -> [StoreKey] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT path, revision FROM files WHERE substr(path, 1, ?) = ? AND \(Self.live) ORDER BY path",
                arguments: [prefix.utf8.count, prefix, Self.now()]
            ).map { StoreKey(path: $0["path"], revision: $0["revision"]) }
        }
    }

    public func list(_ directory: String) async throws -> [StoreEntry] {
        let prefix = StorePath.directoryPrefix(directory)
        var entries: [String: StoreEntry] = [:]
        for key in try await keys(prefix: prefix) {
            let rest = key.path.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[..<slash])
                entries[name] = StoreEntry(name: name, isDirectory: true, revision: nil)
            } else {
                entries[String(rest)] = StoreEntry(name: String(rest), isDirectory: false, revision: key.revision)
            }
        }
        return entries.keys.sorted().map { entries[$0]! }
    }

    /// The newest revision committed to the database, by any writer.
    public func currentRevision() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0 }
    }

    public func changes(after revision: Int64) async throws -> [StoreChange]? {
        try await pool.read { db in try Self.changes(db, after: revision) }
    }

    static func changes(_ db: Database, after revision: Int64) throws -> [StoreChange]? {
        let history = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'history'") ?? 0
        guard revision >= history else { return nil }
        return try Row.fetchAll(
            db, sql: "SELECT revision, path, deleted FROM changes WHERE revision > ? ORDER BY rowid", arguments: [revision]
        ).map { row in
            let deleted: Bool = row["deleted"]
            return deleted ? .deleted(path: row["path"], revision: row["revision"]) : .written(path: row["path"], revision: row["revision"])
        }
    }

    public func watch(prefix: String) -> AsyncStream<StoreChange> {
        let stream = feed.subscribe(prefix: prefix)
        let start = delivery.withLock { state in
            defer { state.polling = true }
            return !state.polling
        }
        if start { startPolling() }
        return stream
    }

    /// The condition a row must meet to be read: permanent, or its lease has not run out by
    /// the time given as the statement's last argument. Expired rows are deleted later (by
    /// `SQLiteConfigStore.sweepExpired`), but never read in between.
    static let live = "(expires IS NULL OR expires > ?)"

    static func now() -> Double { Date().timeIntervalSince1970 }

    static func file(_ row: Row) -> StoreFile {
        let data: Data = row["data"]
        return StoreFile(path: row["path"], data: Array(data), revision: row["revision"], mtime: row["mtime"])
    }

    // MARK: writing

    /// Runs one change in a write transaction with the next revision (or the one `change`
    /// names), logs what it changed and tells watchers.
    @discardableResult
    func commit(
        revision fixed: Int64? = nil, _ change: @escaping @Sendable (Database, Int64) throws -> [StoreChange]
    ) async throws -> Int64 {
        let (previous, revision, changes) = try await pool.write { db -> (Int64, Int64, [StoreChange]) in
            let previous = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
            let revision = fixed ?? previous + 1
            let changes = try change(db, revision)
            try Self.log(db, changes, revision: revision, previous: previous)
            return (previous, revision, changes)
        }
        await deliver(changes, committedAt: revision, after: previous)
        return revision
    }

    // MARK: a replica's writes

    /// A file as a replica receives it from the cluster.
    public enum ReplicaChange: Sendable {
        case put(path: String, data: [UInt8], mtime: Int)
        case delete(path: String)
    }

    /// Applies what the cluster committed at `revision`, in one transaction (a rename or a
    /// create with its index arrive together), and tells watchers.
    public func apply(_ changes: [ReplicaChange], revision: Int64) async throws {
        try await commit(revision: revision) { db, revision in
            try changes.map { change in
                switch change {
                case .put(let path, let data, let mtime):
                    try db.execute(
                        sql: """
                            INSERT INTO files(path, data, revision, mtime) VALUES (?, ?, ?, ?)
                            ON CONFLICT(path) DO UPDATE SET data = excluded.data, revision = excluded.revision, mtime = excluded.mtime
                            """,
                        arguments: [path, Data(data), revision, mtime])
                    return .written(path: path, revision: revision)
                case .delete(let path):
                    try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
                    return .deleted(path: path, revision: revision)
                }
            }
        }
    }

    /// Makes the tree hold exactly `files` (with their own revisions), as of `revision`: the
    /// start of a replica, or its resync after the history it needed was compacted away.
    /// Watchers learn the difference as changes at `revision`.
    public func replace(with files: [StoreFile], revision: Int64) async throws {
        try await commit(revision: revision) { db, revision in
            let wanted = Set(files.map(\.path))
            var current: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, revision FROM files") { current[row["path"]] = row["revision"] }
            var changes: [StoreChange] = []
            for path in current.keys.sorted() where !wanted.contains(path) {
                try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
                changes.append(.deleted(path: path, revision: revision))
            }
            for file in files where current[file.path] != file.revision {
                try db.execute(
                    sql: """
                        INSERT INTO files(path, data, revision, mtime) VALUES (?, ?, ?, ?)
                        ON CONFLICT(path) DO UPDATE SET data = excluded.data, revision = excluded.revision, mtime = excluded.mtime
                        """,
                    arguments: [file.path, Data(file.data), file.revision, file.mtime])
                changes.append(.written(path: file.path, revision: revision))
            }
            // Watchers of this tree only know it from now on.
            try db.execute(sql: "UPDATE meta SET value = max(value, ?) WHERE key = 'history'", arguments: [revision - 1])
            return changes
        }
    }

    /// Deletes the ephemeral entries whose lease ran out, as one change watchers see.
    func sweepExpired() async throws {
        let now = Self.now()
        let due = try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM files WHERE expires <= ?)", arguments: [now]) ?? false
        }
        guard due else { return }
        try await commit { db, revision in
            let paths = try String.fetchAll(db, sql: "SELECT path FROM files WHERE expires <= ? ORDER BY path", arguments: [now])
            try db.execute(sql: "DELETE FROM files WHERE expires <= ?", arguments: [now])
            return paths.map { .deleted(path: $0, revision: revision) }
        }
    }

    /// Records `changes` and moves the revision and, now and then, the start of the history.
    static func log(_ db: Database, _ changes: [StoreChange], revision: Int64, previous: Int64) throws {
        for change in changes {
            let deleted: Bool
            if case .deleted = change { deleted = true } else { deleted = false }
            try db.execute(
                sql: "INSERT INTO changes(revision, path, deleted) VALUES (?, ?, ?)", arguments: [change.revision, change.path, deleted])
        }
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'revision'", arguments: [revision])
        if revision / 1000 != previous / 1000 {
            let start = revision - historyLimit
            try db.execute(sql: "DELETE FROM changes WHERE revision <= ?", arguments: [start])
            try db.execute(sql: "UPDATE meta SET value = max(value, ?) WHERE key = 'history'", arguments: [start])
        }
    }

    /// Tells watchers about a commit: at once when it directly follows what they saw, else
    /// (another writer committed in between) from the change log, in revision order.
    private func deliver(_ changes: [StoreChange], committedAt revision: Int64, after previous: Int64) async {
        let direct = delivery.withLock { state in
            if state.published >= revision { return true }
            guard state.published == previous else { return false }
            feed.publish(changes)
            state.published = revision
            return true
        }
        if !direct { await catchUp() }
    }

    /// Publishes what was committed after the last published revision.
    func catchUp() async {
        let from = delivery.withLock { $0.published }
        guard let logged = try? await pool.read({ db in try Self.changes(db, after: from) }) else {
            // The history is gone: watchers skip to the present, as a watcher that fell behind does.
            if let current = try? await currentRevision() { delivery.withLock { $0.published = max($0.published, current) } }
            return
        }
        delivery.withLock { state in
            let fresh = logged.filter { $0.revision > state.published }
            feed.publish(fresh)
            if let last = fresh.last { state.published = last.revision }
        }
    }

    /// While anyone watches, looks for commits other writers made to the database.
    private func startPolling() {
        Task { [weak self] in
            // The tree is held only while it is looked at, so a tree nobody uses goes away.
            while await self?.pollOnce() == true {
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
    }

    /// One look for others' commits; false once nobody watches (the poller then ends).
    private func pollOnce() async -> Bool {
        if feed.isEmpty {
            let stopped = delivery.withLock { state -> Bool in
                // A watcher that came meanwhile keeps the poller.
                guard feed.isEmpty else { return false }
                state.polling = false
                return true
            }
            if stopped { return false }
        }
        // Leases of dead owners run out without anyone writing: their entries go now.
        try? await sweepExpired()
        await catchUp()
        return true
    }
}
