import FaroConfig
import FaroStore
import FaroSupport
import Foundation

/// Creating, joining and changing the cluster (`/cluster/config`, `pvecm`), following
/// Proxmox's rules with etcd in corosync's place. A node in a cluster has its etcd member's
/// settings under its root (`ClusterLocalConfig`); the membership lives in the store:
/// `corosync.conf`, and per node `pve-ssl.pem` and `faro-member.json`.
///
/// Creating and joining end with work the running daemon cannot do to itself (the store
/// moves to etcd, HTTPS takes the CA-signed certificate): the caller restarts the daemon,
/// whose next start finishes it (`ClusterBoot` in FaroServer).
public struct ClusterMembership: Sendable {
    /// Proxmox's `JOIN_API_VERSION`.
    public static let joinAPIVersion = 1

    public let nodeName: String
    public let paths: NodePaths
    public let store: any ConfigStore
    public let runner: any CommandRunner
    /// The address this node's API is reached at and its port, for the other nodes.
    public let apiAddress: @Sendable () async -> (host: String, port: Int)
    public let etcdExecutable: String
    let forwarder: NodeForwarder

    public init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, runner: any CommandRunner,
        apiAddress: @escaping @Sendable () async -> (host: String, port: Int), etcdExecutable: String = "/usr/bin/etcd",
        forwarder: NodeForwarder = NodeForwarder()
    ) {
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.runner = runner
        self.apiAddress = apiAddress
        self.etcdExecutable = etcdExecutable
        self.forwarder = forwarder
    }

    /// Whether this node is in a cluster.
    public var isClustered: Bool { (try? ClusterLocalConfig.load(paths)) != nil }

    /// The membership file, or nil on a single node.
    public func corosyncConfig() async throws -> (CorosyncConfig, StoreFile)? {
        guard let file = try await store.read(StoreLayout.corosyncConfig) else { return nil }
        return (try CorosyncConfig.parse(String(decoding: file.data, as: UTF8.self)), file)
    }

    /// The membership file of a node in a cluster; refuses on a single node.
    func requireCluster() async throws -> (ClusterLocalConfig, CorosyncConfig, StoreFile) {
        guard let local = try ClusterLocalConfig.load(paths), let (config, file) = try await corosyncConfig() else {
            throw ClusterError.refused("node is not in a cluster")
        }
        return (local, config, file)
    }

    func etcdClient(_ endpoints: [String]) throws -> EtcdClusterClient {
        try EtcdClusterClient(endpoints: endpoints, tls: EtcdTLSFiles(paths: paths))
    }

    func member(_ configuration: EtcdMemberConfiguration) -> EtcdMember {
        EtcdMember(
            configuration: configuration, pidFile: paths.etcdPidFile, logFile: paths.etcdLog, runner: runner, executable: etcdExecutable)
    }

    /// The address other nodes reach this one at: the listener's own when it names one,
    /// else the host's primary IPv4 address.
    func defaultAddress() async -> String {
        let host = await apiAddress().host
        return ["0.0.0.0", "::", ""].contains(host) ? HostFacts.primaryIPv4() : host
    }

    /// This node's etcd member listening where asked: `client`/`peer` as `ADDR:PORT` (port 0
    /// picks a free one), by default the node's address with 2379 and 2380.
    func memberConfiguration(address: String, client: String?, peer: String?) throws -> EtcdMemberConfiguration {
        if client == nil || peer == nil, IPAddressBytes.parse(address) == nil {
            throw ClusterError.refused(
                "link0: etcd listens on IP addresses, '\(address)' is none (give an IP address, or --etcd-client and --etcd-peer)")
        }
        var configuration = EtcdMemberConfiguration(node: nodeName, paths: paths, host: address)
        configuration.client = try client.map { try Self.endpoint($0, parameter: "etcd-client") } ?? EtcdEndpoint(host: address, port: 2379)
        configuration.peer = try peer.map { try Self.endpoint($0, parameter: "etcd-peer") } ?? EtcdEndpoint(host: address, port: 2380)
        return try configuration.resolvingFreePorts()
    }

    /// `ADDR:PORT` or `[V6]:PORT` as an endpoint.
    static func endpoint(_ text: String, parameter: String) throws(ClusterError) -> EtcdEndpoint {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw .refused("\(parameter): expected ADDRESS:PORT, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard IPAddressBytes.parse(host) != nil else { throw .refused("\(parameter): '\(host)' is not an IP address") }
        return EtcdEndpoint(host: host, port: port)
    }

    /// Makes this node's HTTPS use `certificate` from the next start on (Proxmox's
    /// `pve-ssl.pem`); the self-signed one is kept beside it.
    func installHTTPSCertificate(_ certificate: NodeCertificate) throws {
        if FileIO.exists(paths.sslCertificate), !FileIO.exists(paths.sslCertificate + ".self-signed") {
            try FileIO.rename(paths.sslCertificate, to: paths.sslCertificate + ".self-signed")
            try FileIO.rename(paths.sslKey, to: paths.sslKey + ".self-signed")
        }
        try FileIO.makeDirectory(paths.sslDir, mode: 0o700)
        try FileIO.writeAtomically(paths.sslKey, Array(certificate.keyPEM.utf8), mode: 0o600)
        try FileIO.writeAtomically(paths.sslCertificate, Array(certificate.certificatePEM.utf8), mode: 0o644)
    }

    /// Removes what a failed create or join left under the root, so the node is single again.
    func removeLocalClusterState(_ etcd: EtcdMember?) async {
        if let etcd { await etcd.stop() }
        for file in [paths.clusterMemberConfig, paths.clusterNodeKey, paths.clusterNodeCertificate, paths.clusterCACertificate] {
            FileIO.remove(file)
        }
        try? FileManager.default.removeItem(atPath: paths.etcdDataDir)
    }
}

extension ClusterMembership {
    /// At each start of a node in a cluster: its record names the port it listens on now, and
    /// `etcd.json` learns the other members' client URLs (used from the next start on, when
    /// this node's own member does not answer). Without quorum nothing changes.
    public func refreshAfterStart() async throws {
        guard var local = try ClusterLocalConfig.load(paths), let (config, _) = try await corosyncConfig() else { return }
        let api = await apiAddress()
        if let (record, file) = try await ClusterMemberRecord.load(nodeName, from: store), record.port != api.port {
            var moved = record
            moved.port = api.port
            try await store.write(StoreLayout.clusterMember(nodeName), data: moved.bytes, ifRevision: file.revision)
        }
        var others: [String] = []
        for node in config.nodes where node.name != nodeName {
            if let (record, _) = try await ClusterMemberRecord.load(node.name, from: store) { others.append(record.etcdClientURL) }
        }
        if others != local.otherEndpoints {
            local.otherEndpoints = others
            try local.save(paths)
        }
    }
}
