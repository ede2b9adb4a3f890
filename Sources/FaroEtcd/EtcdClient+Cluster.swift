extension EtcdClient {
    /// The members of the cluster, learners included.
    public func members() async throws -> [EtcdMember] {
        try await call("/v3/cluster/member/list", [:], as: EtcdMembersResponse.self).members
    }

    /// Adds a member (as a learner that does not vote until promoted) and returns it.
    public func addMember(peerURLs: [String], learner: Bool) async throws -> EtcdMember {
        let response = try await call(
            "/v3/cluster/member/add", ["peerURLs": peerURLs, "isLearner": learner], as: EtcdMembersResponse.self)
        guard let member = response.member else { throw EtcdError(path: "/v3/cluster/member/add", code: 0, message: "no member in the answer") }
        return member
    }

    /// Makes a learner a voting member; etcd refuses while it has not caught up with the leader.
    public func promoteMember(id: UInt64) async throws {
        _ = try await call("/v3/cluster/member/promote", ["ID": String(id)], as: EtcdMembersResponse.self)
    }

    public func removeMember(id: UInt64) async throws {
        _ = try await call("/v3/cluster/member/remove", ["ID": String(id)], as: EtcdMembersResponse.self)
    }
}
