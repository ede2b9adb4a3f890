/// What can go wrong with the cluster's certificates, this node's etcd member and requests
/// forwarded to other nodes. Each case names what it is about.
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A PEM file or store entry that does not hold what it should.
    case invalidCertificate(path: String, reason: String)
    /// An address given for a certificate or an etcd URL that is neither an IP address nor a host name.
    case invalidAddress(String)
    /// The etcd process did not come up, or exited; `log` is the tail of its log.
    case etcdNotStarted(name: String, reason: String, log: String)
    /// etcd answered a member call with an error.
    case etcd(call: String, status: Int, message: String)
    /// etcd could not be reached at all.
    case etcdUnreachable(endpoint: String, reason: String)
    /// This node's cluster file (`etc/faro/cluster/etcd.json`) cannot be used.
    case invalidLocalConfig(path: String, reason: String)
    /// A cluster operation refused or failed, in Proxmox's words where it has them.
    case refused(String)
    /// The other node answered a join call with an error.
    case peer(node: String, status: Int, message: String)
    /// A node presented a certificate other than the pinned one.
    case fingerprintMismatch(node: String, expected: String, presented: String)
    /// A node could not be reached for a forwarded request.
    case nodeUnreachable(node: String, reason: String)

    public var description: String {
        switch self {
        case .invalidCertificate(let path, let reason): return "invalid certificate '\(path)': \(reason)"
        case .invalidAddress(let address): return "invalid address '\(address)'"
        case .etcdNotStarted(let name, let reason, let log):
            return "etcd member '\(name)' did not start: \(reason)" + (log.isEmpty ? "" : "\n\(log)")
        case .etcd(let call, let status, let message): return "etcd \(call) failed (\(status)): \(message)"
        case .etcdUnreachable(let endpoint, let reason): return "etcd at \(endpoint) is unreachable: \(reason)"
        case .invalidLocalConfig(let path, let reason): return "invalid cluster configuration '\(path)': \(reason)"
        case .refused(let message): return message
        case .peer(let node, let status, let message): return "\(node): \(status) \(message)"
        case .fingerprintMismatch(let node, let expected, let presented):
            return "node '\(node)' presented certificate fingerprint \(presented), expected \(expected)"
        case .nodeUnreachable(let node, let reason): return "unable to reach node '\(node)': \(reason)"
        }
    }
}
