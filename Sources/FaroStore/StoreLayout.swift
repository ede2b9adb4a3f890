import FaroModel

/// Where each file lives in the configuration tree, as `NodePaths` says where files live on a
/// node's disk: the one place that spells store paths (Proxmox's `/etc/pve` layout).
public enum StoreLayout {
    /// Users, groups, roles, ACLs, pools and token entries.
    public static let userConfig = "user.cfg"
    /// Authentication realms (section config).
    public static let domains = "domains.cfg"
    /// `pve` realm password hashes.
    public static let shadow = "priv/shadow.cfg"
    /// API token secrets.
    public static let tokenSecrets = "priv/token.cfg"
    /// The RSA key pair that signs tickets.
    public static let authKey = "priv/authkey.key"
    public static let authPublicKey = "authkey.pub"
    /// The CSRF token secret.
    public static let csrfSecret = "pve-www.key"
    /// Storage definitions (section config).
    public static let storageConfig = "storage.cfg"
    /// Datacenter options.
    public static let datacenterConfig = "datacenter.cfg"
    /// Users' second factors (TOTP, WebAuthn, recovery keys), Proxmox's JSON format.
    public static let tfa = "priv/tfa.cfg"
    /// Failed second-factor attempts per user (lockout counters).
    public static let tfaAttempts = "priv/tfa-attempts.json"
    /// The cluster's CA certificate and its key.
    public static let clusterCA = "pve-root-ca.pem"
    public static let clusterCAKey = "priv/pve-root-ca.key"
    /// The cluster's membership in Proxmox's corosync.conf shape (totem, nodelist).
    public static let corosyncConfig = "corosync.conf"
    /// Faro's one-time join tokens (hashes and expiry times).
    public static let joinTokens = "priv/faro-join-tokens.json"
    /// A node's HTTPS certificate (signed by the cluster CA), whose fingerprint others pin.
    public static func nodeCertificate(_ node: String) -> String { "\(nodesPrefix)\(node)/pve-ssl.pem" }
    /// Faro's own data about a cluster node: API address and port, etcd URLs and member id.
    public static func clusterMember(_ node: String) -> String { "\(nodesPrefix)\(node)/faro-member.json" }
    /// Scheduled jobs (`vzdump` backup jobs).
    public static let jobs = "jobs.cfg"
    /// External metric servers.
    public static let metricServers = "status.cfg"
    /// A metric server's token or password.
    public static func metricServerSecret(_ id: String) -> String { "priv/metricserver/\(id).pw" }
    /// The directory holding one subdirectory per node.
    public static let nodesDirectory = "nodes"
    /// Everything below the nodes directory, as a prefix.
    public static let nodesPrefix = "nodes/"
    /// The directory of secrets, as a prefix.
    public static let privatePrefix = "priv/"

    /// What nodes publish under their lease (`ConfigStore.publish`): gone when a node stops.
    public static let statusPrefix = "status/"

    /// The status a node publishes, as a prefix (`status/<node>/`).
    public static func statusDirectory(_ node: String) -> String { "\(statusPrefix)\(node)/" }
    /// A node's own figures (cpu, memory, disk, uptime, address, certificate fingerprint).
    public static func nodeStatus(_ node: String) -> String { statusDirectory(node) + "node" }
    /// The live figures of a node's running guests.
    public static func guestStatus(_ node: String) -> String { statusDirectory(node) + "guests" }
    /// The space of the storages a node uses.
    public static func storageStatus(_ node: String) -> String { statusDirectory(node) + "storage" }
    /// A node's newest tasks.
    public static func taskStatus(_ node: String) -> String { statusDirectory(node) + "tasks" }

    /// The node and the document of a status path (`status/n2/guests` → ("n2", "guests")).
    public static func status(_ path: String) -> (node: String, document: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] + "/" == statusPrefix, !parts[1].isEmpty else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// The files access control is built from.
    public static let accessFiles: Set<String> = [userConfig, domains, shadow, tokenSecrets, authKey, authPublicKey, csrfSecret]

    /// A node's notes and settings.
    public static func nodeConfig(_ node: String) -> String { "\(nodesPrefix)\(node)/config" }

    /// The directory of one kind of guest config on a node (`nodes/<node>/qemu-server`).
    public static func guestDirectory(node: String, kind: GuestKind) -> String { "\(nodesPrefix)\(node)/\(kind.rawValue)" }

    /// A guest's config file (`nodes/<node>/qemu-server/<vmid>.conf`).
    public static func guestConfig(node: String, kind: GuestKind, vmid: VMID) -> String {
        "\(guestDirectory(node: node, kind: kind))/\(vmid).conf"
    }

    /// The kinds of guest config directories under a node.
    public enum GuestKind: String, Sendable, CaseIterable {
        case qemu = "qemu-server"
        case lxc
        case openvz

        /// The `type` the API and the resource list use (`qemu`, `lxc`, `openvz`).
        public var resourceType: String { self == .qemu ? "qemu" : rawValue }
    }

    /// What a guest config path names.
    public struct GuestConfigPath: Sendable, Hashable {
        public let node: String
        public let kind: GuestKind
        public let vmid: VMID
    }

    /// The node, kind and VMID of a guest config path, or nil for any other path.
    public static func guestConfig(_ path: String) -> GuestConfigPath? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == nodesDirectory, !parts[1].isEmpty, let kind = GuestKind(rawValue: String(parts[2])),
            parts[3].hasSuffix(".conf"), let vmid = VMID(String(parts[3].dropLast(5)))
        else { return nil }
        return GuestConfigPath(node: String(parts[1]), kind: kind, vmid: vmid)
    }
}
