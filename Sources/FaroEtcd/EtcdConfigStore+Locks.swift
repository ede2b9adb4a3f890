import FaroStore
import Foundation

extension EtcdConfigStore {
    /// A lock is the key `locks/<name>` attached to a lease of its own; the lease id travels
    /// in the owner (`<owner>/<uuid>@<lease>`). etcd leases last at least about 2 s.
    public func acquireLock(_ name: String, lease: Duration, timeout: Duration) async throws -> StoreLock {
        let seconds = max(2, Int64((Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18).rounded(.up)))
        let granted = try await client.grantLease(seconds: seconds)
        let owner = "\(lockOwner)/\(UUID().uuidString)@\(granted.id)"
        let key = layout.lock(name)
        let deadline = ContinuousClock.now + timeout
        do {
            while true {
                let response = try await client.txn(
                    compare: [EtcdCompare(key: key, target: .created(0))],
                    success: [.put(key: key, value: Array(owner.utf8), lease: granted.id)], failure: [])
                if response.succeeded { return StoreLock(name: name, owner: owner) }
                guard ContinuousClock.now < deadline else { throw StoreError.lockTimeout(name: name) }
                try await Task.sleep(for: .milliseconds(100))
            }
        } catch {
            try? await client.revokeLease(granted.id)
            throw error
        }
    }

    public func renewLock(_ lock: StoreLock, lease: Duration) async throws {
        guard let id = Self.leaseID(lock), try await client.keepAlive(lease: id) else { throw StoreError.lockLost(name: lock.name) }
        // The lease lives; the key is still this holder's unless someone deleted it by hand.
        let (current, _) = try await client.get(layout.lock(lock.name))
        guard current?.lease == id else { throw StoreError.lockLost(name: lock.name) }
    }

    public func releaseLock(_ lock: StoreLock) async throws {
        guard let id = Self.leaseID(lock) else { return }
        try await client.revokeLease(id)
    }

    static func leaseID(_ lock: StoreLock) -> Int64? {
        lock.owner.split(separator: "@").last.flatMap { Int64($0) }
    }
}
