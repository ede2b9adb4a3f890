import FaroCluster
import FaroModel
import FaroStore
import Foundation

/// What one node published (`StatusPublisher`): present only while its lease lives.
struct PublishedNode: Sendable {
    /// cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime, level, ip, ssl_fingerprint.
    var node: JSONValue = .null
    /// Live figures of the running guests by VMID.
    var guests: [Int: JSONValue] = [:]
    /// Space of the storages by id (active, total, used, avail).
    var storages: [String: JSONValue] = [:]
    /// The newest tasks as task list entries.
    var tasks: [JSONValue] = []

    /// Online means its node document is there (the lease lives and it published a round).
    var isOnline: Bool { node != .null }
}

/// The other nodes' published status, read from the store when it changed and at most once a
/// second (Proxmox caches its status dump for two), so a busy cluster does not make every
/// request read it. Only status paths of other nodes move it: this node's own publishing and
/// config changes do not.
public actor ClusterStatus {
    let nodeName: String
    let store: any ConfigStore
    let directory: any ClusterDirectory
    private let scope: ChangeScope
    /// The status read last, by node, and the scope revision it was read at.
    private var nodes: [String: PublishedNode] = [:]
    /// Every node that published while this daemon ran: one whose lease ran out stays listed
    /// (offline) even where the directory does not name it, instead of vanishing.
    private var seen: Set<String> = []
    private var revision: Int64 = -1
    private var checked: ContinuousClock.Instant?
    /// Moves whenever `nodes` changed, for caches built from it.
    private(set) var generation = 0
    static let refreshInterval: Duration = .seconds(1)

    init(nodeName: String, store: any ConfigStore, directory: any ClusterDirectory) {
        self.nodeName = nodeName
        self.store = store
        self.directory = directory
        let own = StoreLayout.statusDirectory(nodeName)
        scope = ChangeScope { $0.hasPrefix(StoreLayout.statusPrefix) && !$0.hasPrefix(own) }
    }

    /// The other nodes' status, by node name.
    func published() async -> [String: PublishedNode] {
        await refresh()
        return nodes
    }

    /// The generation of the status `published()` gives now.
    func currentGeneration() async -> Int {
        await refresh()
        return generation
    }

    /// Every node of the cluster by name: this one, the directory's, and any that publishes.
    func memberNames() async -> [String] {
        let published = await published()
        var names = Set(await directory.nodes().map(\.name)).union(published.keys).union(seen)
        names.insert(nodeName)
        return names.sorted()
    }

    private func refresh() async {
        let now = ContinuousClock.now
        if let checked, now - checked < Self.refreshInterval { return }
        checked = now
        guard let current = try? await scope.revision(in: store), current != revision,
            let files = try? await store.readTree(prefix: StoreLayout.statusPrefix)
        else { return }
        revision = current
        var fresh: [String: PublishedNode] = [:]
        for file in files {
            guard let (node, document) = StoreLayout.status(file.path), node != nodeName,
                let value = try? JSONParser.parse(file.data)
            else { continue }
            switch document {
            case "node": fresh[node, default: PublishedNode()].node = value
            case "guests":
                for (vmid, figures) in value.objectValue ?? [:] {
                    if let vmid = Int(vmid) { fresh[node, default: PublishedNode()].guests[vmid] = figures }
                }
            case "storage": fresh[node, default: PublishedNode()].storages = value.objectValue ?? [:]
            case "tasks": fresh[node, default: PublishedNode()].tasks = value.arrayValue ?? []
            default: continue
            }
        }
        nodes = fresh
        seen.formUnion(fresh.keys)
        generation += 1
    }
}
