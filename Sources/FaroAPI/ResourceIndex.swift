import FaroAccess
import FaroGuest
import FaroLXC
import FaroMetrics
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore
import FaroSupport

/// One entry of `/cluster/resources` with the ACL path and privilege that make it visible,
/// and its encoded form, so change streams compare and send entries without re-encoding.
struct ResourceEntry: Sendable {
    let id: String
    let value: JSONValue
    let kind: String
    let aclPath: String
    let privilege: String
    let bytes: [UInt8]
    /// The fields everyone sees when they lack `privilege` (nil: then they see nothing). Proxmox
    /// lists every node to every user, with its figures only for those with `Sys.Audit`.
    let publicFields: [String]?

    init(value: JSONValue, kind: String, aclPath: String, privilege: String, publicFields: [String]? = nil) {
        self.id = value["id"]?.stringValue ?? ""
        self.value = value
        self.kind = kind
        self.aclPath = aclPath
        self.privilege = privilege
        self.bytes = JSONWriter.bytes(value)
        self.publicFields = publicFields
    }

    /// The entry as a caller holding `privileges` sees it, or nil.
    func seen(with privileges: Set<String>) -> ResourceEntry? {
        if privileges.contains(privilege) { return self }
        guard let publicFields, case .object(let members) = value else { return nil }
        let shown = members.filter { publicFields.contains($0.key) }
        return ResourceEntry(value: .object(shown), kind: kind, aclPath: aclPath, privilege: privilege)
    }
}

/// Builds `/cluster/resources` from the store and the status figures. The list is rebuilt
/// only when the store revision or the status sample changes, once however many callers ask
/// meanwhile; each caller's encoded list is cached, so the hot path does no JSON work. A new
/// status sample alone does not hold callers up: they get the previous list while the new one
/// is built. A config change or a guest starting or stopping does: what a client just did
/// shows in the next list it reads.
public actor ResourceIndex {
    let nodeName: String
    let paths: NodePaths
    let store: any ConfigStore
    let host: HostFacts
    let access: AccessService
    let storage: StorageService
    /// The guest services: every node's configs through them, this node's live figures.
    let vms: VMService
    let containers: ContainerManager
    var runtime: QemuRuntime { vms.runtime }
    /// The status loop's samples: the figures of the node and of each guest.
    let metrics: MetricsCollector
    /// The other nodes' published status: their figures, their guests' and storages'.
    let cluster: ClusterStatus
    /// The version `entries` were built from; nil before the first build.
    private var built: Version?
    /// The build under way, which every caller wanting the same version waits for instead of
    /// building the list again.
    private var building: (version: Version, task: Task<Void, any Error>)?
    private var entries: [ResourceEntry] = []
    /// Encoded lists by caller and type, valid for `built`.
    private var encoded: [String: [UInt8]] = [:]
    static let maxCachedLists = 256
    /// Guest entries by config path, reused while the file and its pool stay the same.
    var guestCache: [String: CachedGuest] = [:]
    /// Moves only when a file the list is built from changes, so the status other nodes write
    /// every second does not rebuild it.
    private let scope = ChangeScope(ResourceIndex.isSource)
    /// The one store watch behind every resource stream of the daemon.
    private let watch: SharedWatch
    /// How often the list was built, for tests that prove unrelated writes keep it.
    private(set) var builds = 0
    /// How often the list was built since the start, for benchmarks.
    public var buildCount: Int { builds }

    init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, host: HostFacts,
        access: AccessService, storage: StorageService, vms: VMService, containers: ContainerManager,
        metrics: MetricsCollector, cluster: ClusterStatus
    ) {
        self.cluster = cluster
        self.vms = vms
        self.metrics = metrics
        self.containers = containers
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.host = host
        self.access = access
        self.storage = storage
        self.watch = SharedWatch(store, matching: Self.isSource)
    }

    /// The store files the list is built from: guest configs, `storage.cfg`, `user.cfg` (pools).
    static func isSource(_ path: String) -> Bool {
        path == StoreLayout.storageConfig || path == StoreLayout.userConfig || StoreLayout.guestConfig(path) != nil
    }

    /// Changes to the files the list is built from, committed after the call.
    nonisolated func changes() -> AsyncStream<StoreChange> { watch.subscribe() }

    /// The resources of `type` (vm, storage, node; nil for all) that `identity` may see, encoded.
    public func resources(type: String?, identity: Identity, authorizer: any Authorizer) async throws -> APIResult {
        try await refreshIfNeeded()
        // What a caller may see depends only on the store (user.cfg, configs) and the status
        // sample, so each caller's encoded list is kept until either changes.
        let key = (identity.isSuperuser ? "" : identity.user.description) + "|" + (type ?? "all")
        if let cached = encoded[key] { return .encoded(cached) }
        let visible = try await visibleEntries(type: type, identity: identity, authorizer: authorizer).entries
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, entry) in visible.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: entry.bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        if encoded.count >= Self.maxCachedLists { encoded.removeAll(keepingCapacity: true) }
        encoded[key] = bytes
        return .encoded(bytes)
    }

    /// What changes the list: the revision of its store files (configs, user.cfg with ACLs and pools) and
    /// the status sample. Equal versions mean equal lists for every caller.
    struct Version: Equatable, Sendable {
        let revision: Int64
        let generation: Int
        /// Changes when a VM or a container starts or stops.
        var runs = 0
        /// Changes when another node's published status changed (or its lease ran out).
        var status = 0
    }

    /// The entries `identity` may see, in list order, with the version they were built from.
    func visibleEntries(
        type: String?, identity: Identity, authorizer: any Authorizer
    ) async throws -> (entries: [ResourceEntry], version: Version) {
        try await refreshIfNeeded()
        let version = built ?? Version(revision: 0, generation: 0)
        let matching = entries.filter { Self.matches($0.kind, type) }
        if identity.isSuperuser { return (matching, version) }
        let held = await authorizer.privileges(of: identity, onEach: matching.map(\.aclPath))
        let visible = zip(matching, held).compactMap { entry, privileges in entry.seen(with: privileges) }
        return (visible, version)
    }

    /// The current entries with these ids (`qemu/100`, `storage/<node>/local`), by id: one
    /// source for the figures of `/cluster/resources` and of a pool's members.
    func entries(ids: Set<String>) async throws -> [String: JSONValue] {
        try await refreshIfNeeded()
        var found: [String: JSONValue] = [:]
        for entry in entries where ids.contains(entry.id) { found[entry.id] = entry.value }
        return found
    }

    /// The version the next list would be built from, without building it.
    func currentVersion() async throws -> Version {
        Version(
            revision: try await scope.revision(in: store), generation: await metrics.board.generation,
            runs: await runtime.generation + (await containers.powerChanges.generation),
            status: await cluster.currentGeneration())
    }

    static func matches(_ kind: String, _ type: String?) -> Bool {
        switch type {
        case nil: return true
        case "vm": return kind == "qemu" || kind == "lxc"
        default: return kind == type
        }
    }

    private func refreshIfNeeded() async throws {
        let wanted = try await currentVersion()
        if built == wanted { return }
        let task = building.flatMap { $0.version == wanted ? $0.task : nil } ?? startBuild(wanted)
        // Fresher status figures alone are gathered behind the current list.
        if let built, built.revision == wanted.revision, built.runs == wanted.runs { return }
        try await task.value
    }

    private func startBuild(_ version: Version) -> Task<Void, any Error> {
        builds += 1
        let task = Task {
            defer { finishBuild(version) }
            let users = try await access.configuration()
            let others = await cluster.published()
            let members = await cluster.memberNames()
            let nodes = try await nodeEntries(members: members, published: others)
            let guests = try await guestEntries(pools: users, published: others)
            let fresh = nodes + guests + (try await storageEntries(members: members, published: others)) + poolEntries(users)
            if let built, built.revision > version.revision { return }
            entries = fresh
            encoded = [:]
            built = version
        }
        building = (version, task)
        return task
    }

    private func finishBuild(_ version: Version) {
        if building?.version == version { building = nil }
    }
}
