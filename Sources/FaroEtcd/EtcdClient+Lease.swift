extension EtcdClient {
    /// A new lease of at least `seconds` (etcd raises short ones to about 1.5 election timeouts).
    func grantLease(seconds: Int64) async throws -> (id: Int64, ttl: Int64) {
        let lease = try await call("/v3/lease/grant", ["TTL": String(seconds)], as: EtcdLeaseResponse.self)
        return (lease.id, lease.ttl)
    }

    /// Renews a lease; false when it had already expired.
    func keepAlive(lease id: Int64) async throws -> Bool {
        try await call("/v3/lease/keepalive", ["ID": String(id)], as: EtcdLeaseResponse.self).ttl > 0
    }

    /// Ends a lease and deletes the keys attached to it. A lease that is gone already is fine.
    func revokeLease(_ id: Int64) async throws {
        do {
            _ = try await call("/v3/lease/revoke", ["ID": String(id)], as: EtcdHeaderOnly.self)
        } catch let error as EtcdError where error.message.contains("lease not found") {
            return
        }
    }
}
