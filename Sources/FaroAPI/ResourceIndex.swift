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
    private var guestCache: [String: CachedGuest] = [:]
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

    /// Every member: this node with its own figures, the others with what they published,
    /// `offline` once their status lease ran out (Proxmox: a member that is not online).
    private func nodeEntries(members: [String], published: [String: PublishedNode]) async throws -> [ResourceEntry] {
        var result: [ResourceEntry] = []
        for name in members {
            if name == nodeName {
                result.append(try await nodeEntry())
                continue
            }
            var value: [String: JSONValue] = ["id": .string("node/\(name)"), "type": "node", "node": .string(name), "status": "offline"]
            if let status = published[name], status.isOnline {
                value["status"] = "online"
                for key in ["cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime", "level", "cgroup-mode"] {
                    if let figure = status.node[key] { value[key] = figure }
                }
            }
            result.append(
                ResourceEntry(
                    value: .object(value), kind: "node", aclPath: "/nodes/\(name)", privilege: "Sys.Audit",
                    publicFields: ["id", "type", "node", "status"]))
        }
        return result
    }

    private func nodeEntry() async throws -> ResourceEntry {
        let node = await metrics.latestNode()
        let value: JSONValue = [
            "id": .string("node/\(nodeName)"), "type": "node", "node": .string(nodeName), "status": "online",
            "cpu": .double(node.cpu), "maxcpu": .int(node.cpus), "mem": .int(node.memoryUsed), "maxmem": .int(node.memoryTotal),
            "disk": .int(node.rootUsed), "maxdisk": .int(node.rootTotal),
            "uptime": .int(node.uptime), "level": "", "cgroup-mode": .int(host.cgroupMode()),
        ]
        return ResourceEntry(
            value: value, kind: "node", aclPath: "/nodes/\(nodeName)", privilege: "Sys.Audit",
            publicFields: ["id", "type", "node", "status"])
    }

    /// The storages usable on each member with their space, visible with `Datastore.Audit`:
    /// this node's measured here, the others' as they published them (`unknown` when a node
    /// is offline or did not report the storage).
    private func storageEntries(members: [String], published: [String: PublishedNode]) async throws -> [ResourceEntry] {
        let definitions = try await storage.configuration().definitions
        var result: [ResourceEntry] = []
        for node in members {
            for definition in definitions where definition.isAvailable(on: node) {
                if node == nodeName {
                    result.append(await storageEntry(definition))
                    continue
                }
                var value = storageValue(definition, node: node)
                if !definition.isDisabled, let status = published[node], status.isOnline,
                    let figures = status.storages[definition.id], figures["active"]?.intValue == 1
                {
                    value["status"] = "available"
                    value["disk"] = figures["used"] ?? 0
                    value["maxdisk"] = figures["total"] ?? 0
                }
                result.append(
                    ResourceEntry(
                        value: .object(value), kind: "storage", aclPath: "/storage/\(definition.id)", privilege: "Datastore.Audit"))
            }
        }
        return result
    }

    private func storageValue(_ definition: StorageDefinition, node: String) -> [String: JSONValue] {
        [
            "id": .string("storage/\(node)/\(definition.id)"), "type": "storage", "node": .string(node),
            "storage": .string(definition.id), "plugintype": .string(definition.type),
            "content": .string(ContentType.listText(storage.content(of: definition))),
            "shared": .int(definition.isShared ? 1 : 0), "status": "unknown",
        ]
    }

    /// One of this node's storages with the space the status loop measured.
    private func storageEntry(_ definition: StorageDefinition) async -> ResourceEntry {
        var value = storageValue(definition, node: nodeName)
        if !definition.isDisabled, let figures = await storageFigures(definition), figures.active {
            value["status"] = "available"
            value["disk"] = .int(figures.used)
            value["maxdisk"] = .int(figures.total)
        }
        return ResourceEntry(value: .object(value), kind: "storage", aclPath: "/storage/\(definition.id)", privilege: "Datastore.Audit")
    }

    /// The status loop's figures of a storage, or its status now before the first round.
    private func storageFigures(_ definition: StorageDefinition) async -> StorageFigures? {
        if let figures = await metrics.board.storage(definition.id) { return figures }
        guard let status = try? await storage.plugin(for: definition).status() else { return nil }
        return StorageFigures(
            id: definition.id, time: 0, active: status.active, total: Int(clamping: status.total), used: Int(clamping: status.used),
            available: Int(clamping: status.available))
    }

    /// Pools are listed as `/pool/<name>`, visible with `Pool.Audit` on them.
    private func poolEntries(_ users: UserConfig) -> [ResourceEntry] {
        users.pools.keys.sorted().map { pool in
            ResourceEntry(
                value: ["id": .string("/pool/\(pool)"), "type": "pool", "pool": .string(pool)],
                kind: "pool", aclPath: "/pool/\(pool)", privilege: "Pool.Audit")
        }
    }

    private func guestEntries(pools users: UserConfig, published: [String: PublishedNode]) async throws -> [ResourceEntry] {
        var result: [ResourceEntry] = []
        var parsed: [String: CachedGuest] = [:]
        let hostCPUs = host.cpuInfo().cpus
        let poolOfVM = Dictionary(
            users.pools.flatMap { pool in pool.value.vms.map { ($0, pool.key) } }, uniquingKeysWith: min)
        // A keys-only listing: only configs that changed since the last build are read.
        for guest in try await GuestInventory.guests(in: store) {
            let pool = poolOfVM[guest.vmid.rawValue]
            // Unchanged files in an unchanged pool keep their entry: a change to one guest
            // (or to user.cfg) does not parse every guest config again.
            if let cached = guestCache[guest.path], cached.revision == guest.revision, cached.pool == pool {
                parsed[guest.path] = cached
                result.append(await withStatus(cached.entry, of: guest, published: published))
                continue
            }
            guard let (summary, revision) = try? await summary(of: guest, hostCPUs: hostCPUs) else { continue }
            let entry = guestEntry(guest, summary, pool: pool)
            parsed[guest.path] = CachedGuest(revision: revision, pool: pool, entry: entry)
            result.append(await withStatus(entry, of: guest, published: published))
        }
        guestCache = parsed
        return result
    }

    /// The guest's summary as its service reads it; nil for a kind no service here runs
    /// (`openvz`), and a config that does not parse is left out of the list.
    private func summary(of guest: GuestInventory.Guest, hostCPUs: Int) async throws -> (GuestSummary, Int64)? {
        switch guest.kind {
        case .qemu: return try await vms.configs(onNode: guest.node).summary(guest.vmid, hostCPUs: hostCPUs)
        case .lxc: return try await containers.configs(onNode: guest.node).summary(guest.vmid, hostCPUs: hostCPUs)
        case .openvz: return nil
        }
    }

    /// A guest's entry with its state: this node's guests as measured here, another node's as
    /// that node published them, `unknown` while that node is offline (as Proxmox shows the
    /// guests of a node it has no status of).
    private func withStatus(
        _ entry: ResourceEntry, of guest: GuestInventory.Guest, published: [String: PublishedNode]
    ) async -> ResourceEntry {
        if guest.node == nodeName { return await withRuntimeStatus(entry, vmid: guest.vmid) }
        guard case .object(var value) = entry.value else { return entry }
        guard let status = published[guest.node], status.isOnline else {
            value["status"] = "unknown"
            return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
        }
        guard let figures = status.guests[guest.vmid.rawValue]?.objectValue else { return entry }
        for key in ["status", "cpu", "mem", "disk", "uptime", "netin", "netout", "diskread", "diskwrite"] {
            if let figure = figures[key] { value[key] = figure }
        }
        return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
    }

    /// A guest of this node that runs gets the figures of the status loop's samples (one
    /// source with `status/current` and the history); the cached entry stays as the config says.
    private func withRuntimeStatus(_ entry: ResourceEntry, vmid: VMID) async -> ResourceEntry {
        guard entry.kind == "qemu" || entry.kind == "lxc", entry.value["node"]?.stringValue == nodeName,
            case .object(var value) = entry.value, let figures = try? await metrics.current(vmid), figures.running
        else { return entry }
        value["status"] = "running"
        value["cpu"] = .double(figures.cpu)
        value["mem"] = .int(figures.memory)
        if entry.kind == "lxc" { value["disk"] = .int(figures.disk) }
        value["uptime"] = .int(figures.uptime)
        value["netin"] = .int(figures.netIn)
        value["netout"] = .int(figures.netOut)
        value["diskread"] = .int(figures.diskRead)
        value["diskwrite"] = .int(figures.diskWrite)
        return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
    }

    struct CachedGuest {
        let revision: Int64
        let pool: String?
        let entry: ResourceEntry
    }

    private func guestEntry(_ guest: GuestInventory.Guest, _ summary: GuestSummary, pool: String?) -> ResourceEntry {
        let kind = guest.kind.resourceType
        var value: [String: JSONValue] = [
            "id": .string("\(kind)/\(guest.vmid)"), "type": .string(kind), "vmid": .int(guest.vmid.rawValue),
            "node": .string(guest.node), "name": .string(summary.name),
            "status": "stopped", "template": .int(summary.isTemplate ? 1 : 0),
            "maxcpu": .int(summary.cpus), "maxmem": .int(summary.memoryBytes), "maxdisk": .int(summary.diskBytes),
            "cpu": 0, "mem": 0, "disk": 0, "uptime": 0, "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0,
        ]
        if let tags = summary.tags { value["tags"] = .string(tags) }
        if let lock = summary.lock { value["lock"] = .string(lock) }
        if let pool { value["pool"] = .string(pool) }
        return ResourceEntry(value: .object(value), kind: kind, aclPath: "/vms/\(guest.vmid)", privilege: "VM.Audit")
    }
}
