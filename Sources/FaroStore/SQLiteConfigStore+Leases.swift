import Foundation
import GRDB

/// Leases and ephemeral entries on SQLite, with etcd's semantics: an entry is gone for readers
/// the moment its lease runs out (reads check the expiry), and it is deleted, so watchers see
/// `.deleted`, by the next sweep (`SQLiteTree.sweepExpired`): every instance sweeps when it
/// grants or renews a lease or publishes, and every 200 ms while anyone watches it, so a dead
/// daemon's entries are deleted moments after its lease ran out.
extension SQLiteConfigStore {
    public func isQuorate() async -> Bool { true }

    public func grantLease(ttl: Duration) async throws -> StoreLease {
        try await sweepExpired()
        let id = try await pool.write { db -> Int64 in
            try db.execute(sql: "DELETE FROM leases WHERE expires <= ?", arguments: [SQLiteTree.now()])
            try db.execute(sql: "INSERT INTO leases(expires) VALUES (?)", arguments: [SQLiteTree.now() + ttl.totalSeconds])
            return db.lastInsertedRowID
        }
        return StoreLease(id: id, ttl: ttl)
    }

    public func renewLease(_ lease: StoreLease) async throws {
        let renewed = try await pool.write { db -> Bool in
            let now = SQLiteTree.now()
            let expires = now + lease.ttl.totalSeconds
            try db.execute(sql: "UPDATE leases SET expires = ? WHERE id = ? AND expires > ?", arguments: [expires, lease.id, now])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "UPDATE files SET expires = ? WHERE lease = ?", arguments: [expires, lease.id])
            return true
        }
        try await sweepExpired()
        if !renewed { throw StoreError.leaseExpired(id: lease.id) }
    }

    public func revokeLease(_ lease: StoreLease) async throws {
        try await tree.commit { db, revision in
            let paths = try String.fetchAll(db, sql: "SELECT path FROM files WHERE lease = ? ORDER BY path", arguments: [lease.id])
            try db.execute(sql: "DELETE FROM files WHERE lease = ?", arguments: [lease.id])
            try db.execute(sql: "DELETE FROM leases WHERE id = ?", arguments: [lease.id])
            return paths.map { .deleted(path: $0, revision: revision) }
        }
    }

    public func publish(_ path: String, data: [UInt8], lease: StoreLease) async throws -> Int64 {
        try StorePath.validate(path)
        guard StorePath.guestVMID(path) == nil else { throw StoreError.invalidPath(path) }
        guard data.count <= StorePath.maxFileSize else { throw StoreError.tooLarge(path: path, size: data.count) }
        try await sweepExpired()
        return try await tree.commit { db, revision in
            guard
                let expires = try Double.fetchOne(
                    db, sql: "SELECT expires FROM leases WHERE id = ? AND expires > ?", arguments: [lease.id, SQLiteTree.now()])
            else { throw StoreError.leaseExpired(id: lease.id) }
            try db.execute(
                sql: """
                    INSERT INTO files(path, data, revision, mtime, lease, expires) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET data = excluded.data, revision = excluded.revision, mtime = excluded.mtime,
                        lease = excluded.lease, expires = excluded.expires
                    """,
                arguments: [path, Data(data), revision, Self.now(), lease.id, expires])
            return [.written(path: path, revision: revision)]
        }
    }

    func sweepExpired() async throws { try await tree.sweepExpired() }
}
