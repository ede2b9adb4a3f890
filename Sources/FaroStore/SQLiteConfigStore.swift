import Foundation
import GRDB
import Synchronization

/// The single-node backend: one SQLite database in WAL mode. Every change is one transaction,
/// so a crash leaves each file either old or new, never torn. VMID uniqueness is a unique
/// index over the guest-config rows.
public final class SQLiteConfigStore: ConfigStore {
    let pool: DatabasePool
    let feed = ChangeFeed()
    let lockOwner: String
    private let latestRevision = Atomic<Int64>(0)

    public init(path: String, lockOwner: String = UUID().uuidString) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.lockOwner = lockOwner
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
                    CREATE TABLE IF NOT EXISTS locks (
                        name TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        expires REAL NOT NULL
                    );
                    """)
        }
        let revision = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") }
        latestRevision.store(revision ?? 0, ordering: .relaxed)
    }

    deinit { feed.finish() }

    // MARK: reading

    public func read(_ path: String) async throws -> StoreFile? {
        try StorePath.validate(path)
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT path, data, revision, mtime FROM files WHERE path = ?", arguments: [path])
                .map(Self.file)
        }
    }

    public func readTree(prefix: String) async throws -> [StoreFile] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT path, data, revision, mtime FROM files WHERE substr(path, 1, ?) = ? ORDER BY path",
                arguments: [prefix.utf8.count, prefix]
            ).map(Self.file)
        }
    }

    public func list(_ directory: String) async throws -> [StoreEntry] {
        let prefix = StorePath.directoryPrefix(directory)
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT path, revision FROM files WHERE substr(path, 1, ?) = ? ORDER BY path",
                arguments: [prefix.utf8.count, prefix])
        }
        var entries: [String: StoreEntry] = [:]
        for row in rows {
            let path: String = row["path"]
            let rest = path.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[..<slash])
                entries[name] = StoreEntry(name: name, isDirectory: true, revision: nil)
            } else {
                entries[String(rest)] = StoreEntry(name: String(rest), isDirectory: false, revision: row["revision"])
            }
        }
        return entries.keys.sorted().map { entries[$0]! }
    }

    public func currentRevision() async throws -> Int64 {
        latestRevision.load(ordering: .relaxed)
    }

    public func watch(prefix: String) -> AsyncStream<StoreChange> {
        feed.subscribe(prefix: prefix)
    }

    private static func file(_ row: Row) -> StoreFile {
        let data: Data = row["data"]
        return StoreFile(path: row["path"], data: Array(data), revision: row["revision"], mtime: row["mtime"])
    }

    // MARK: writing

    public func create(_ path: String, data: [UInt8]) async throws -> Int64 {
        try await write(path, data: data, ifRevision: 0)
    }

    public func write(_ path: String, data: [UInt8], ifRevision: Int64?) async throws -> Int64 {
        try StorePath.validate(path)
        guard data.count <= StorePath.maxFileSize else { throw StoreError.tooLarge(path: path, size: data.count) }
        let revision = try await commit { db, revision in
            let existing = try Int64.fetchOne(db, sql: "SELECT revision FROM files WHERE path = ?", arguments: [path])
            if let expected = ifRevision {
                if expected == 0, existing != nil { throw StoreError.alreadyExists(path: path) }
                if expected != 0, existing != expected {
                    throw existing == nil ? StoreError.notFound(path: path) : StoreError.revisionMismatch(path: path)
                }
            }
            let vmid = StorePath.guestVMID(path)
            if let vmid, existing == nil { try Self.checkVMIDFree(db, vmid: vmid) }
            try db.execute(
                sql: """
                    INSERT INTO files(path, data, revision, mtime, vmid) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET data = excluded.data, revision = excluded.revision, mtime = excluded.mtime
                    """,
                arguments: [path, Data(data), revision, Self.now(), vmid])
            return [.written(path: path, revision: revision)]
        }
        return revision
    }

    public func delete(_ path: String, ifRevision: Int64?) async throws {
        try StorePath.validate(path)
        _ = try await commit { db, revision in
            let existing = try Int64.fetchOne(db, sql: "SELECT revision FROM files WHERE path = ?", arguments: [path])
            guard let existing else { throw StoreError.notFound(path: path) }
            if let ifRevision, ifRevision != existing { throw StoreError.revisionMismatch(path: path) }
            try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
            return [.deleted(path: path, revision: revision)]
        }
    }

    public func rename(_ path: String, to newPath: String) async throws -> Int64 {
        try StorePath.validate(path)
        try StorePath.validate(newPath)
        return try await commit { db, revision in
            guard try Int64.fetchOne(db, sql: "SELECT revision FROM files WHERE path = ?", arguments: [path]) != nil else {
                throw StoreError.notFound(path: path)
            }
            if try Int64.fetchOne(db, sql: "SELECT revision FROM files WHERE path = ?", arguments: [newPath]) != nil {
                throw StoreError.alreadyExists(path: newPath)
            }
            let oldVMID = StorePath.guestVMID(path)
            let newVMID = StorePath.guestVMID(newPath)
            if let newVMID, newVMID != oldVMID { try Self.checkVMIDFree(db, vmid: newVMID) }
            try db.execute(
                sql: "UPDATE files SET path = ?, revision = ?, mtime = ?, vmid = ? WHERE path = ?",
                arguments: [newPath, revision, Self.now(), newVMID, path])
            return [.deleted(path: path, revision: revision), .written(path: newPath, revision: revision)]
        }
    }

    private static func checkVMIDFree(_ db: Database, vmid: Int) throws {
        if let other = try String.fetchOne(db, sql: "SELECT path FROM files WHERE vmid = ?", arguments: [vmid]) {
            throw StoreError.vmidInUse(vmid: vmid, existing: other)
        }
    }

    /// Runs one change in a transaction with the next revision, then tells watchers.
    private func commit(_ change: @escaping @Sendable (Database, Int64) throws -> [StoreChange]) async throws -> Int64 {
        let (revision, changes) = try await pool.write { db -> (Int64, [StoreChange]) in
            let revision = (try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0) + 1
            let changes = try change(db, revision)
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'revision'", arguments: [revision])
            return (revision, changes)
        }
        latestRevision.store(revision, ordering: .relaxed)
        feed.publish(changes)
        return revision
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
