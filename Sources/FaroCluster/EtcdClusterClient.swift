import AsyncHTTPClient
import FaroModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// One etcd member as the membership calls describe it. etcd's ids are uint64, which its
/// JSON gateway writes as decimal strings.
public struct EtcdMemberInfo: Sendable, Equatable {
    public var id: String
    /// Empty for a member that was added but has not started yet.
    public var name: String
    public var peerURLs: [String]
    public var clientURLs: [String]
    public var isLearner: Bool

    init(_ json: JSONValue) {
        id = json["ID"]?.displayText ?? ""
        name = json["name"]?.stringValue ?? ""
        peerURLs = json["peerURLs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        clientURLs = json["clientURLs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        isLearner = json["isLearner"]?.boolValue ?? false
    }
}

/// What `/v3/maintenance/status` says about one member.
public struct EtcdMemberStatus: Sendable, Equatable {
    public var memberID: String
    /// The leader's member id; "0" while the member knows no leader.
    public var leader: String
    public var raftIndex: Int
    public var isLearner: Bool
}

/// Membership calls to an etcd cluster over its v3 JSON gateway, with mutual TLS from the
/// cluster CA. Every call carries `Grpc-Metadata-hasleader: true`, so a member without a leader
/// refuses at once instead of hanging. Only membership lives here; the store has its own client.
public final class EtcdClusterClient: Sendable {
    public let endpoints: [String]
    let http: HTTPClient
    let timeout: TimeAmount

    /// `endpoints` are client URLs (`https://host:port`); calls go to the first that answers.
    public init(endpoints: [String], tls: EtcdTLSFiles, timeout: TimeAmount = .seconds(5)) throws {
        self.endpoints = endpoints
        self.timeout = timeout
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(tls.caCertificate)
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))
        // Members are named by address in their URLs; the CA is the cluster's own, so any
        // certificate it signed is a member, whatever name it was reached by.
        configuration.certificateVerification = .noHostnameVerification
        var client = HTTPClient.Configuration(tlsConfiguration: configuration)
        client.timeout = .init(connect: .seconds(3), read: timeout)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: client)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    public func list() async throws -> [EtcdMemberInfo] {
        try await call("member list", "/v3/cluster/member/list", [:])["members"]?.arrayValue?.map(EtcdMemberInfo.init) ?? []
    }

    /// Adds a member by its peer URLs; a learner does not vote until promoted, so adding it
    /// does not change what counts as quorum while it catches up. Returns the new member.
    /// etcd refuses additions as "unhealthy cluster" for a few seconds after a member started;
    /// those are retried for up to `timeout`.
    public func add(peerURLs: [String], isLearner: Bool, timeout: Duration = .seconds(10)) async throws -> EtcdMemberInfo {
        let body: [String: JSONValue] = ["peerURLs": .array(peerURLs.map(JSONValue.string)), "isLearner": .bool(isLearner)]
        let reply = try await retrying(while: "unhealthy cluster", timeout: timeout) {
            try await call("member add", "/v3/cluster/member/add", body)
        }
        return EtcdMemberInfo(reply["member"] ?? [:])
    }

    /// Promotes a learner to a voter, retrying for up to `timeout` while etcd says the learner
    /// has not caught up with the leader yet.
    public func promote(id: String, timeout: Duration = .seconds(30)) async throws {
        _ = try await retrying(while: "in sync with leader", timeout: timeout) {
            try await call("member promote", "/v3/cluster/member/promote", ["ID": .string(id)])
        }
    }

    /// Runs `body` again while etcd answers with a message containing `passing` and time is left.
    private func retrying(
        while passing: String, timeout: Duration, _ body: () async throws -> JSONValue
    ) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await body()
            } catch ClusterError.etcd(_, _, let message) where message.contains(passing) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Removes a member; retried like `add` while etcd calls the cluster unhealthy (a member
    /// that just restarted), since removing a voter must not cost quorum.
    public func remove(id: String, timeout: Duration = .seconds(10)) async throws {
        _ = try await retrying(while: "unhealthy cluster", timeout: timeout) {
            try await call("member remove", "/v3/cluster/member/remove", ["ID": .string(id)])
        }
    }

    /// The status of the member at `endpoint`, answered by that member itself.
    public func status(endpoint: String) async throws -> EtcdMemberStatus {
        let reply = try await call("status", "/v3/maintenance/status", [:], endpoints: [endpoint], requireLeader: false)
        return EtcdMemberStatus(
            memberID: reply["header"]?["member_id"]?.displayText ?? "", leader: reply["leader"]?.displayText ?? "0",
            raftIndex: Int(reply["raftIndex"]?.displayText ?? "") ?? 0, isLearner: reply["isLearner"]?.boolValue ?? false)
    }

    /// POSTs `body` to `path` on the first endpoint that can be reached; an answer with an
    /// error status is etcd's verdict and is not tried elsewhere.
    func call(
        _ name: String, _ path: String, _ body: [String: JSONValue], endpoints: [String]? = nil, requireLeader: Bool = true
    ) async throws -> JSONValue {
        var unreachable: ClusterError?
        for endpoint in endpoints ?? self.endpoints {
            var request = HTTPClientRequest(url: endpoint + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            if requireLeader { request.headers.add(name: "Grpc-Metadata-hasleader", value: "true") }
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.bytes(.object(body))))
            let response: HTTPClientResponse
            let bytes: ByteBuffer
            do {
                response = try await http.execute(request, timeout: timeout)
                bytes = try await response.body.collect(upTo: 16 << 20)
            } catch {
                unreachable = .etcdUnreachable(endpoint: endpoint, reason: "\(error)")
                continue
            }
            let json = (try? JSONParser.parse(Array(bytes.readableBytesView))) ?? .null
            guard response.status == .ok else {
                let message = json["message"]?.stringValue ?? json["error"]?.stringValue ?? String(buffer: bytes)
                throw ClusterError.etcd(call: name, status: Int(response.status.code), message: message)
            }
            return json
        }
        throw unreachable ?? ClusterError.etcdUnreachable(endpoint: "(none)", reason: "no endpoints")
    }
}
