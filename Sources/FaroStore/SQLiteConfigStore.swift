import Foundation
import GRDB

/// The single-node backend: one SQLite database in WAL mode (`SQLiteTree`). Every change is
/// one transaction, so a crash leaves each file either old or new, never torn. VMID uniqueness
/// is a unique index over the guest-config rows. Several instances (or processes) may share
/// one database: each sees the others' writes, locks and VMIDs, and its watchers their changes.
public final class SQLiteConfigStore: ConfigStore {
    let tree: SQLiteTree
    var pool: DatabasePool { tree.pool }
    let lockOwner: String

    public init(path: String, lockOwner: String = UUID().uuidString) throws {
        tree = try SQLiteTree(path: path)
        self.lockOwner = lockOwner
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS locks (
                        name TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        expires REAL NOT NULL
                    );
                    CREATE TABLE IF NOT EXISTS leases (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        expires REAL NOT NULL
                    );
                    """)
        }
    }

    // MARK: reading

    public func read(_ path: String) async throws -> StoreFile? { try await tree.read(path) }
    public func readTree(prefix: String) async throws -> [StoreFile] { try await tree.readTree(prefix: prefix) }
    public func keys(prefix: String) async throws -> [StoreKey] { try await tree.keys(prefix: prefix) }
    public func list(_ directory: String) async throws -> [StoreEntry] { try await tree.list(directory) }
    public func currentRevision() async throws -> Int64 { try await tree.currentRevision() }
    public func changes(after revision: Int64) async throws -> [StoreChange]? { try await tree.changes(after: revision) }
    public func watch(prefix: String) -> AsyncStream<StoreChange> { tree.watch(prefix: prefix) }

    // MARK: writing

    public func create(_ path: String, data: [UInt8]) async throws -> Int64 {
        try await write(path, data: data, ifRevision: 0)
    }

    public func write(_ path: String, data: [UInt8], ifRevision: Int64?) async throws -> Int64 {
        try StorePath.validate(path)
        guard data.count <= StorePath.maxFileSize else { throw StoreError.tooLarge(path: path, size: data.count) }
        return try await tree.commit { db, revision in
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
                    ON CONFLICT(path) DO UPDATE SET data = excluded.data, revision = excluded.revision, mtime = excluded.mtime,
                        lease = NULL, expires = NULL
                    """,
                arguments: [path, Data(data), revision, Self.now(), vmid])
            return [.written(path: path, revision: revision)]
        }
    }

    public func delete(_ path: String, ifRevision: Int64?) async throws {
        try StorePath.validate(path)
        try await tree.commit { db, revision in
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
        return try await tree.commit { db, revision in
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

    static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
