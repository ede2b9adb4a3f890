import FaroCluster
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Real etcd members on free loopback ports, each under a temporary node root, sharing one
/// test CA. `removeAll` kills whatever is still running and removes the roots; tests call it
/// in a `defer`, so it runs when they fail too.
final class EtcdTestCluster: @unchecked Sendable {
    static let etcdMissing: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd") ? nil : "etcd-server"

    let directory: TemporaryDirectory
    let ca: ClusterCA
    private(set) var members: [String: EtcdMember] = [:]
    let runner = SubprocessRunner()

    init() throws {
        directory = try TemporaryDirectory(prefix: "faro-etcd")
        ca = try ClusterCA.create()
    }

    func paths(_ name: String) -> NodePaths { NodePaths(root: directory.file(name)) }

    /// A member named `name` with its certificate installed and free ports; `peers` are the
    /// members it joins (none: a new cluster).
    func member(_ name: String, joining peers: [EtcdMember] = []) throws -> EtcdMember {
        let paths = paths(name)
        try ca.issue(node: name, addresses: ["127.0.0.1"]).install(caCertificatePEM: ca.certificatePEM, paths: paths)
        var configuration = try EtcdMemberConfiguration(node: name, paths: paths, host: "127.0.0.1", clientPort: 0, peerPort: 0)
            .resolvingFreePorts()
        configuration.unsafeNoFsync = true
        if !peers.isEmpty {
            configuration.state = .existing
            configuration.peers = peers.map { .init(name: $0.configuration.name, peerURL: $0.configuration.peer.url) }
        }
        let member = EtcdMember(configuration: configuration, paths: paths, runner: runner)
        members[name] = member
        return member
    }

    func client(_ members: EtcdMember...) throws -> EtcdClusterClient {
        try EtcdClusterClient(endpoints: members.map(\.configuration.client.url), tls: EtcdTLSFiles(paths: paths("ca-client")))
    }

    /// A client identity under `ca-client/` that is not a member.
    func installClientIdentity() throws {
        try ca.issue(node: "ca-client", addresses: []).install(caCertificatePEM: ca.certificatePEM, paths: paths("ca-client"))
    }

    func removeAll() {
        for member in members.values {
            if let process = member.process() {
                process.signal(SIGKILL)
                for _ in 0..<100 where process.isAlive() { usleep(20_000) }
            }
        }
        directory.remove()
    }
}
