import FaroAccess
import FaroGuest
import FaroLXC
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
    let cpu: CPUUsageMonitor
    let access: AccessService
    let storage: StorageService
    /// The guest services: every node's configs through them, this node's live figures.
    let vms: VMService
    let containers: ContainerManager
    var runtime: QemuRuntime { vms.runtime }
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

    init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, host: HostFacts, cpu: CPUUsageMonitor,
        access: AccessService, storage: StorageService, vms: VMService, containers: ContainerManager
    ) {
        self.vms = vms
        self.containers = containers
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.host = host
        self.cpu = cpu
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

    /// The resources of `type` (vm, storage, node; nil for all) that `identity` may see.
    func resources(type: String?, identity: Identity, authorizer: any Authorizer) async throws -> APIResult {
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
            revision: try await scope.revision(in: store), generation: await cpu.generation,
            runs: await runtime.generation + (await containers.powerChanges.generation))
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
            let fresh = [try await nodeEntry()] + (try await guestEntries(pools: users)) + (try await storageEntries())
                + poolEntries(users)
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

    private func nodeEntry() async throws -> ResourceEntry {
        let usage = await cpu.usage
        let memory = host.memory()
        let rootfs = host.fileSystem(at: paths.root)
        let value: JSONValue = [
            "id": .string("node/\(nodeName)"), "type": "node", "node": .string(nodeName), "status": "online",
            "cpu": .double(usage.cpu), "maxcpu": .int(host.cpuInfo().cpus),
            "mem": .int(memory.used), "maxmem": .int(memory.total),
            "disk": .int(rootfs?.used ?? 0), "maxdisk": .int(rootfs?.total ?? 0),
            "uptime": .int(host.uptime()), "level": "", "cgroup-mode": .int(host.cgroupMode()),
        ]
        return ResourceEntry(
            value: value, kind: "node", aclPath: "/nodes/\(nodeName)", privilege: "Sys.Audit",
            publicFields: ["id", "type", "node", "status"])
    }

    /// The storages usable on this node with their space, visible with `Datastore.Audit`.
    private func storageEntries() async throws -> [ResourceEntry] {
        var result: [ResourceEntry] = []
        for definition in try await storage.configuration().definitions where definition.isAvailable(on: nodeName) {
            var value: [String: JSONValue] = [
                "id": .string("storage/\(nodeName)/\(definition.id)"), "type": "storage", "node": .string(nodeName),
                "storage": .string(definition.id), "plugintype": .string(definition.type),
                "content": .string(ContentType.listText(storage.content(of: definition))),
                "shared": .int(definition.isShared ? 1 : 0), "status": "unknown",
            ]
            if !definition.isDisabled, let plugin = try? storage.plugin(for: definition), let status = try? await plugin.status(),
                status.active
            {
                value["status"] = "available"
                value["disk"] = .int(Int(status.used))
                value["maxdisk"] = .int(Int(status.total))
            }
            result.append(
                ResourceEntry(
                    value: .object(value), kind: "storage", aclPath: "/storage/\(definition.id)", privilege: "Datastore.Audit"))
        }
        return result
    }

    /// Pools are listed as `/pool/<name>`, visible with `Pool.Audit` on them.
    private func poolEntries(_ users: UserConfig) -> [ResourceEntry] {
        users.pools.keys.sorted().map { pool in
            ResourceEntry(
                value: ["id": .string("/pool/\(pool)"), "type": "pool", "pool": .string(pool)],
                kind: "pool", aclPath: "/pool/\(pool)", privilege: "Pool.Audit")
        }
    }

    private func guestEntries(pools users: UserConfig) async throws -> [ResourceEntry] {
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
                result.append(await withRuntimeStatus(cached.entry, vmid: guest.vmid, hostCPUs: hostCPUs))
                continue
            }
            guard let (summary, revision) = try? await summary(of: guest, hostCPUs: hostCPUs) else { continue }
            let entry = guestEntry(guest, summary, pool: pool)
            parsed[guest.path] = CachedGuest(revision: revision, pool: pool, entry: entry)
            result.append(await withRuntimeStatus(entry, vmid: guest.vmid, hostCPUs: hostCPUs))
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

    /// A VM of this node that runs gets its live status; the cached entry stays as the config says.
    private func withRuntimeStatus(_ entry: ResourceEntry, vmid: VMID, hostCPUs: Int) async -> ResourceEntry {
        if entry.kind == "lxc" { return await withContainerStatus(entry, vmid: vmid, hostCPUs: hostCPUs) }
        guard entry.kind == "qemu", entry.value["node"]?.stringValue == nodeName, case .object(var value) = entry.value else {
            return entry
        }
        let status = await runtime.status(vmid: vmid, vcpus: value["maxcpu"]?.intValue ?? 1, maxMemory: value["maxmem"]?.intValue ?? 0)
        guard status.running else { return entry }
        value["status"] = "running"
        value["mem"] = .int(status.memoryBytes)
        value["cpu"] = .double(status.cpu)
        value["uptime"] = .int(status.uptime)
        value["netin"] = .int(status.netIn)
        value["netout"] = .int(status.netOut)
        value["diskread"] = .int(status.diskRead)
        value["diskwrite"] = .int(status.diskWrite)
        return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
    }

    /// A container of this node that runs gets the figures of `status/current` (refreshed
    /// with the status sample, as Proxmox's come from its 10 s statistics).
    private func withContainerStatus(_ entry: ResourceEntry, vmid: VMID, hostCPUs: Int) async -> ResourceEntry {
        guard entry.value["node"]?.stringValue == nodeName, case .object(var value) = entry.value,
            let status = try? await containers.status(vmid, hostCPUs: hostCPUs), status.running
        else { return entry }
        value["status"] = "running"
        value["cpu"] = .double(status.cpu)
        value["mem"] = .int(Int(status.memory))
        value["disk"] = .int(Int(status.disk))
        value["uptime"] = .int(status.uptime)
        value["netin"] = .int(Int(status.netIn))
        value["netout"] = .int(Int(status.netOut))
        value["diskread"] = .int(Int(clamping: status.diskRead))
        value["diskwrite"] = .int(Int(clamping: status.diskWrite))
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
