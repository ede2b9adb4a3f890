import FaroStore
import Foundation

/// Ephemeral entries are keys under `files/` attached to an etcd lease: the replica sees them
/// like any file, and etcd deletes them (one watch event each) when the lease runs out.
extension EtcdConfigStore {
    /// Quorate while the replica's watch (which asks for a leader) is not failing and the last
    /// request found a member able to commit.
    public func isQuorate() async -> Bool { !replica.lost.withLock { $0 } && !client.lastCallLackedQuorum }

    public func grantLease(ttl: Duration) async throws -> StoreLease {
        let granted = try await client.grantLease(seconds: max(2, Int64(ttl.totalSeconds.rounded(.up))))
        return StoreLease(id: granted.id, ttl: .seconds(granted.ttl))
    }

    public func renewLease(_ lease: StoreLease) async throws {
        guard try await client.keepAlive(lease: lease.id) else { throw StoreError.leaseExpired(id: lease.id) }
    }

    public func revokeLease(_ lease: StoreLease) async throws {
        try await client.revokeLease(lease.id)
    }

    public func publish(_ path: String, data: [UInt8], lease: StoreLease) async throws -> Int64 {
        try StorePath.validate(path)
        guard StorePath.guestVMID(path) == nil else { throw StoreError.invalidPath(path) }
        guard data.count <= StorePath.maxFileSize else { throw StoreError.tooLarge(path: path, size: data.count) }
        let value = FileEnvelope.wrap(data, mtime: Int(Date().timeIntervalSince1970))
        do {
            let response = try await client.txn(
                compare: [], success: [.put(key: layout.file(path), value: value, lease: lease.id)], failure: [])
            return await committed(response.header.revision)
        } catch let error as EtcdError where error.message.contains("lease not found") {
            throw StoreError.leaseExpired(id: lease.id)
        }
    }
}
