import Foundation
import GRDB

extension SQLiteConfigStore {
    public func acquireLock(_ name: String, lease: Duration, timeout: Duration) async throws -> StoreLock {
        let owner = lockOwner + "/" + UUID().uuidString
        let deadline = ContinuousClock.now + timeout
        while true {
            let leaseSeconds = lease.totalSeconds
            let taken = try await pool.write { db -> Bool in
                let now = Date().timeIntervalSince1970
                let holder = try Row.fetchOne(db, sql: "SELECT owner, expires FROM locks WHERE name = ?", arguments: [name])
                if let holder, (holder["expires"] as Double) > now { return false }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO locks(name, owner, expires) VALUES (?, ?, ?)",
                    arguments: [name, owner, now + leaseSeconds])
                return true
            }
            if taken { return StoreLock(name: name, owner: owner) }
            guard ContinuousClock.now < deadline else { throw StoreError.lockTimeout(name: name) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func renewLock(_ lock: StoreLock, lease: Duration) async throws {
        let leaseSeconds = lease.totalSeconds
        let renewed = try await pool.write { db -> Bool in
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: "UPDATE locks SET expires = ? WHERE name = ? AND owner = ? AND expires > ?",
                arguments: [now + leaseSeconds, lock.name, lock.owner, now])
            return db.changesCount == 1
        }
        if !renewed { throw StoreError.lockLost(name: lock.name) }
    }

    public func releaseLock(_ lock: StoreLock) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM locks WHERE name = ? AND owner = ?", arguments: [lock.name, lock.owner])
        }
    }
}
