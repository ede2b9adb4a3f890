import FaroModel
import FaroSupport

/// A host and port etcd listens on; port 0 until `EtcdMemberConfiguration.resolvingFreePorts`
/// picks a free one.
public struct EtcdEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `https://host:port`, with brackets around an IPv6 address.
    public var url: String { "https://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
    public var description: String { url }
    /// `host:port`, with brackets around an IPv6 address.
    public var hostAndPort: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// The TLS files an etcd member and its clients use: the cluster CA and this node's
/// certificate and key, issued by it (`NodeCertificate.install`).
public struct EtcdTLSFiles: Sendable, Hashable {
    public var caCertificate: String
    public var certificate: String
    public var key: String

    public init(caCertificate: String, certificate: String, key: String) {
        self.caCertificate = caCertificate
        self.certificate = certificate
        self.key = key
    }

    /// The files `NodeCertificate.install` wrote under a node root.
    public init(paths: NodePaths) {
        self.init(caCertificate: paths.clusterCACertificate, certificate: paths.clusterNodeCertificate, key: paths.clusterNodeKey)
    }
}

/// How this node's etcd member runs: its name, where it keeps its data, the client and peer
/// addresses, the TLS files, and the cluster it starts in (`new` for the first member,
/// `existing` for one added to a running cluster).
public struct EtcdMemberConfiguration: Sendable, Hashable {
    public enum InitialState: String, Sendable, Hashable {
        case new, existing
    }

    /// Another member's name and peer URL, for `--initial-cluster`.
    public struct Peer: Sendable, Hashable {
        public var name: String
        public var peerURL: String

        public init(name: String, peerURL: String) {
            self.name = name
            self.peerURL = peerURL
        }
    }

    public var name: String
    public var dataDirectory: String
    public var client: EtcdEndpoint
    public var peer: EtcdEndpoint
    public var tls: EtcdTLSFiles
    /// The other members the cluster has when this one starts (empty for a new cluster).
    public var peers: [Peer] = []
    public var state: InitialState = .new
    public var clusterToken = "faro-cluster"
    /// Skips fsync: for tests on a scratch directory only, never for a real cluster.
    public var unsafeNoFsync = false
    /// Starts as the only member of a new cluster with the data of the old one (etcd's
    /// `--force-new-cluster`): the recovery of a lone survivor, for one start only.
    public var forceNewCluster = false

    public init(name: String, dataDirectory: String, client: EtcdEndpoint, peer: EtcdEndpoint, tls: EtcdTLSFiles) {
        self.name = name
        self.dataDirectory = dataDirectory
        self.client = client
        self.peer = peer
        self.tls = tls
    }

    /// The configuration of the node under `paths`: data in `var/lib/faro/etcd`, TLS files
    /// from `etc/faro/cluster`, listening on `host` with the given ports (0 picks free ones).
    public init(node: String, paths: NodePaths, host: String, clientPort: Int = 2379, peerPort: Int = 2380) {
        self.init(
            name: node, dataDirectory: paths.etcdDataDir, client: EtcdEndpoint(host: host, port: clientPort),
            peer: EtcdEndpoint(host: host, port: peerPort), tls: EtcdTLSFiles(paths: paths))
    }

    /// The same configuration with every port 0 replaced by a port that is free right now.
    public func resolvingFreePorts() throws -> EtcdMemberConfiguration {
        var resolved = self
        if resolved.client.port == 0 { resolved.client.port = try FreePort.pick(host: client.host) }
        if resolved.peer.port == 0 { resolved.peer.port = try FreePort.pick(host: peer.host) }
        return resolved
    }

    /// etcd's command line (after the executable). Clients and peers must present a
    /// certificate signed by the cluster CA; pre-vote keeps a member that comes back from a
    /// partition from forcing an election; history older than 10 minutes is compacted.
    public func arguments() -> [String] {
        let initialCluster = ([Peer(name: name, peerURL: peer.url)] + peers).map { "\($0.name)=\($0.peerURL)" }
        var arguments = [
            "--name", name,
            "--data-dir", dataDirectory,
            "--listen-client-urls", client.url,
            "--advertise-client-urls", client.url,
            "--listen-peer-urls", peer.url,
            "--initial-advertise-peer-urls", peer.url,
            "--initial-cluster", initialCluster.joined(separator: ","),
            "--initial-cluster-state", state.rawValue,
            "--initial-cluster-token", clusterToken,
            "--client-cert-auth", "--trusted-ca-file", tls.caCertificate, "--cert-file", tls.certificate, "--key-file", tls.key,
            "--peer-client-cert-auth", "--peer-trusted-ca-file", tls.caCertificate,
            "--peer-cert-file", tls.certificate, "--peer-key-file", tls.key,
            "--pre-vote=true",
            "--auto-compaction-mode", "periodic", "--auto-compaction-retention", "10m",
            "--quota-backend-bytes", "1073741824",
            "--experimental-watch-progress-notify-interval", "5s",
            "--snapshot-count", "10000",
        ]
        if unsafeNoFsync { arguments.append("--unsafe-no-fsync") }
        if forceNewCluster { arguments.append("--force-new-cluster") }
        return arguments
    }
}
