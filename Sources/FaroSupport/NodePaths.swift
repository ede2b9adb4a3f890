/// Every path a node uses, derived from one root (`/` in production, a temp dir in tests).
/// Nothing below `main` builds a system path any other way.
public struct NodePaths: Sendable, Hashable {
    public let root: String

    public init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// `root` joined with a relative path.
    public func path(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    public var configDir: String { path("etc/faro") }
    public var nodeConfig: String { path("etc/faro/node.conf") }
    public var sslDir: String { path("etc/faro/ssl") }
    public var sslKey: String { path("etc/faro/ssl/node.key") }
    public var sslCertificate: String { path("etc/faro/ssl/node.pem") }
    public var stateDir: String { path("var/lib/faro") }
    public var configDatabase: String { path("var/lib/faro/config.db") }
    /// The local copy of the cluster's store (etcd backend), kept by its watch.
    public var storeReplica: String { path("var/lib/faro/config-replica.db") }
    /// The metrics history: one round-robin file per node, guest and storage series.
    public var metricsDirectory: String { path("var/lib/faro/metrics") }
    public var localStorage: String { path("var/lib/vz") }
    /// The node's vzdump defaults (Proxmox's `/etc/vzdump.conf`).
    public var vzdumpConf: String { path("etc/vzdump.conf") }
    public var lxcPath: String { path("var/lib/faro/lxc") }
    public var runDir: String { path("run/faro") }
    public var apiSocket: String { path("run/faro/api.sock") }
    public var qemuRunDir: String { path("run/faro/qemu") }
    public var taskDir: String { path("var/log/faro/tasks") }
    /// This node's cluster files: the CA certificate, its node certificate and key, and how
    /// its etcd member runs (`etcd.json`, present once the node is in a cluster).
    public var clusterDir: String { path("etc/faro/cluster") }
    public var clusterCACertificate: String { path("etc/faro/cluster/ca.pem") }
    public var clusterNodeCertificate: String { path("etc/faro/cluster/node.pem") }
    public var clusterNodeKey: String { path("etc/faro/cluster/node.key") }
    public var clusterMemberConfig: String { path("etc/faro/cluster/etcd.json") }
    /// Copies of the single-node store taken when the node entered a cluster.
    public var configBackupDir: String { path("var/lib/faro/backup") }
    /// The etcd member's data (mode 0700), pid file and log.
    public var etcdDataDir: String { path("var/lib/faro/etcd") }
    public var etcdPidFile: String { path("run/faro/etcd.pid") }
    public var etcdLog: String { path("var/log/faro/etcd.log") }
}
