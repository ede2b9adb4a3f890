import FaroConfig
import FaroModel
import FaroStore
import FaroSupport
import Foundation

extension ClusterMembership {
    /// What `POST /cluster/config/join` asks for.
    public struct JoinRequest: Sendable {
        public enum Credential: Sendable {
            /// root@pam's password on the other node (Proxmox's way).
            case password(String)
            /// A one-time token from `pvecm jointoken` (Faro).
            case token(String)
        }

        /// The member to join: `HOST` or `HOST:PORT` (default port 8006).
        public var hostname: String
        public var fingerprint: String
        public var credential: Credential
        public var address: String?
        public var nodeid: Int?
        public var votes: Int?
        public var force: Bool
        public var etcdClient: String?
        public var etcdPeer: String?

        public init(
            hostname: String, fingerprint: String, credential: Credential, address: String? = nil, nodeid: Int? = nil,
            votes: Int? = nil, force: Bool = false, etcdClient: String? = nil, etcdPeer: String? = nil
        ) {
            self.hostname = hostname
            self.fingerprint = fingerprint
            self.credential = credential
            self.address = address
            self.nodeid = nodeid
            self.votes = votes
            self.force = force
            self.etcdClient = etcdClient
            self.etcdPeer = etcdPeer
        }
    }

    /// Checks that this node may join (Proxmox's `assert_joinable`): not in a cluster yet, and
    /// no guests, because the cluster's configuration replaces this node's. With `force` the
    /// guest check only warns.
    public func assertJoinable(force: Bool, log: @Sendable (String) -> Void) async throws {
        guard !isClustered, try await store.read(StoreLayout.corosyncConfig) == nil else {
            throw ClusterError.refused("cluster config '\(StoreLayout.corosyncConfig)' already exists")
        }
        let guests = try await store.keys(prefix: StoreLayout.nodesPrefix).contains { StoreLayout.guestConfig($0.path) != nil }
        if guests {
            let message = "this host already contains virtual guests"
            guard force else { throw ClusterError.refused("detected the following error(s):\n* \(message)") }
            log("WARNING: \(message)")
        }
    }

    /// Joins the cluster `request.hostname` belongs to (task `clusterjoin`): the connection is
    /// pinned to the given fingerprint, the member adds this node (as an etcd learner), this
    /// node starts its member with the certificate the member issued, waits until it caught up
    /// and is promoted, and takes its certificate for HTTPS. The next start sets the
    /// single-node store aside (kept under `var/lib/faro/backup`) and runs on the cluster's.
    public func join(_ request: JoinRequest, log: @Sendable (String) -> Void) async throws {
        try await assertJoinable(force: request.force, log: log)
        let target = try Self.hostAndPort(request.hostname)
        guard Fingerprint.isValid(request.fingerprint) else {
            throw ClusterError.refused("fingerprint: value does not match the regex pattern")
        }
        var peer = PeerAPI(
            node: ClusterNode(name: request.hostname, address: target.host, port: target.port, fingerprint: request.fingerprint.uppercased()),
            forwarder: forwarder)
        log("Establishing API connection with host '\(request.hostname)'")
        var parameters: [String: JSONValue] = [:]
        switch request.credential {
        case .password(let password):
            try await peer.login(user: "root@pam", password: password)
            log("Login succeeded.")
            let version = try await peer.call(.GET, "/cluster/config/apiversion").intValue ?? 0
            guard version >= Self.joinAPIVersion - 1 else {
                throw ClusterError.refused("error: incompatible join API version on cluster (\(version)), local has \(Self.joinAPIVersion)")
            }
        case .token(let token):
            parameters["token"] = .string(token)
        }
        let fallback = await defaultAddress()
        let address = request.address ?? fallback
        var configuration = try memberConfiguration(address: address, client: request.etcdClient, peer: request.etcdPeer)
        parameters["new_node_ip"] = .string(address)
        parameters["apiversion"] = .int(Self.joinAPIVersion)
        parameters["api-port"] = .int(await apiAddress().port)
        parameters["etcd-client"] = .string(configuration.client.hostAndPort)
        parameters["etcd-peer"] = .string(configuration.peer.hostAndPort)
        if let nodeid = request.nodeid { parameters["nodeid"] = .int(nodeid) }
        if let votes = request.votes { parameters["votes"] = .int(votes) }
        if request.force { parameters["force"] = .bool(true) }
        log("Request addition of this node")
        let answer = try await peer.call(.POST, "/cluster/config/nodes/\(nodeName)", parameters)
        for warning in answer["warnings"]?.arrayValue ?? [] { log("WARNING: \(warning.displayText)") }
        let etcd = answer["etcd"] ?? .null
        guard let caPEM = etcd["ca"]?.stringValue, let certificatePEM = etcd["certificate"]?.stringValue,
            let keyPEM = etcd["key"]?.stringValue, let memberID = etcd["member_id"]?.stringValue
        else { throw ClusterError.peer(node: request.hostname, status: 500, message: "the join answer has no etcd material") }
        let endpoints = etcd["endpoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
        configuration.state = .existing
        configuration.peers = (etcd["peers"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, let url = entry["peer_url"]?.stringValue else { return nil }
            return .init(name: name, peerURL: url)
        }
        let certificate = try NodeCertificate(certificatePEM: certificatePEM, keyPEM: keyPEM)
        var started: EtcdMember?
        do {
            try certificate.install(caCertificatePEM: caPEM, paths: paths)
            try? FileManager.default.removeItem(atPath: paths.etcdDataDir)
            let etcdMember = member(configuration)
            started = etcdMember
            log("starting etcd member '\(nodeName)' as a learner (client \(configuration.client.url), peer \(configuration.peer.url))")
            let own = try etcdClient([configuration.client.url])
            defer { Task { await own.shutdown() } }
            try await etcdMember.start(client: own, timeout: .seconds(60))
            let cluster = try etcdClient(endpoints)
            defer { Task { await cluster.shutdown() } }
            try await cluster.promote(id: memberID, timeout: .seconds(120))
            log("etcd member '\(nodeName)' caught up and was promoted to a voting member")
            try ClusterLocalConfig(member: configuration, otherEndpoints: endpoints, pending: .replaceTree).save(paths)
            try installHTTPSCertificate(certificate)
        } catch {
            log("join failed: \(error); removing this node's member again")
            if case .password = request.credential {
                _ = try? await peer.call(.DELETE, "/cluster/config/nodes/\(nodeName)")
            } else if let cluster = try? etcdClient(endpoints) {
                // A token allows no second call: the etcd member goes (the CA-signed certificate
                // is a client of the cluster); the nodelist entry waits for `pvecm delnode`.
                try? await cluster.remove(id: memberID)
                await cluster.shutdown()
                log("remove this node from the nodelist on a member: pvecm delnode \(nodeName)")
            }
            await removeLocalClusterState(started)
            throw error
        }
        log("successfully added node '\(nodeName)' to cluster.")
        log("the daemon restarts now on the cluster's store (the old one is kept in \(paths.configBackupDir))")
    }

    /// `HOST`, `HOST:PORT` or `[V6]:PORT`; the port defaults to 8006.
    static func hostAndPort(_ text: String) throws(ClusterError) -> (host: String, port: Int) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw .refused("hostname: invalid address '\(text)'") }
            guard let port = rest.isEmpty ? 8006 : Int(rest.dropFirst()), (1...65535).contains(port) else {
                throw .refused("hostname: invalid port in '\(text)'")
            }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), !parts[0].isEmpty else {
                throw .refused("hostname: invalid port in '\(text)'")
            }
            return (String(parts[0]), port)
        }
        guard !text.isEmpty else { throw .refused("hostname: empty") }
        return (text, 8006)
    }
}
