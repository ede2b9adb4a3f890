import FaroAccess
import FaroGuest
import FaroLXC
import FaroMetrics
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore
import FaroSupport

/// The entries of the list: nodes, guests, storages and pools, with the figures of this node's
/// status loop and of what the other nodes published.
extension ResourceIndex {
    /// Every member: this node with its own figures, the others with what they published,
    /// `offline` once their status lease ran out (Proxmox: a member that is not online).
    func nodeEntries(members: [String], published: [String: PublishedNode]) async throws -> [ResourceEntry] {
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

    func nodeEntry() async throws -> ResourceEntry {
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
    func storageEntries(members: [String], published: [String: PublishedNode]) async throws -> [ResourceEntry] {
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

    func storageValue(_ definition: StorageDefinition, node: String) -> [String: JSONValue] {
        [
            "id": .string("storage/\(node)/\(definition.id)"), "type": "storage", "node": .string(node),
            "storage": .string(definition.id), "plugintype": .string(definition.type),
            "content": .string(ContentType.listText(storage.content(of: definition))),
            "shared": .int(definition.isShared ? 1 : 0), "status": "unknown",
        ]
    }

    /// One of this node's storages with the space the status loop measured.
    func storageEntry(_ definition: StorageDefinition) async -> ResourceEntry {
        var value = storageValue(definition, node: nodeName)
        if !definition.isDisabled, let figures = await storageFigures(definition), figures.active {
            value["status"] = "available"
            value["disk"] = .int(figures.used)
            value["maxdisk"] = .int(figures.total)
        }
        return ResourceEntry(value: .object(value), kind: "storage", aclPath: "/storage/\(definition.id)", privilege: "Datastore.Audit")
    }

    /// The status loop's figures of a storage, or its status now before the first round.
    func storageFigures(_ definition: StorageDefinition) async -> StorageFigures? {
        if let figures = await metrics.board.storage(definition.id) { return figures }
        guard let status = try? await storage.plugin(for: definition).status() else { return nil }
        return StorageFigures(
            id: definition.id, time: 0, active: status.active, total: Int(clamping: status.total), used: Int(clamping: status.used),
            available: Int(clamping: status.available))
    }

    /// Pools are listed as `/pool/<name>`, visible with `Pool.Audit` on them.
    func poolEntries(_ users: UserConfig) -> [ResourceEntry] {
        users.pools.keys.sorted().map { pool in
            ResourceEntry(
                value: ["id": .string("/pool/\(pool)"), "type": "pool", "pool": .string(pool)],
                kind: "pool", aclPath: "/pool/\(pool)", privilege: "Pool.Audit")
        }
    }

    func guestEntries(pools users: UserConfig, published: [String: PublishedNode]) async throws -> [ResourceEntry] {
        var result: [ResourceEntry] = []
        var local: [(index: Int, vmid: VMID)] = []
        var parsed: [String: CachedGuest] = [:]
        let hostCPUs = host.cpuInfo().cpus
        let poolOfVM = Dictionary(
            users.pools.flatMap { pool in pool.value.vms.map { ($0, pool.key) } }, uniquingKeysWith: min)
        // A keys-only listing: only configs that changed since the last build are read.
        for guest in try await GuestInventory.guests(in: store) {
            let pool = poolOfVM[guest.vmid]
            // Unchanged files in an unchanged pool keep their entry: a change to one guest
            // (or to user.cfg) does not parse every guest config again.
            if let cached = guestCache[guest.path], cached.revision == guest.revision, cached.pool == pool {
                parsed[guest.path] = cached
            } else {
                guard let (summary, revision) = try? await summary(of: guest, hostCPUs: hostCPUs) else { continue }
                parsed[guest.path] = CachedGuest(revision: revision, pool: pool, entry: guestEntry(guest, summary, pool: pool))
            }
            if guest.node == nodeName { local.append((result.count, guest.vmid)) }
            result.append(parsed[guest.path]!.entry)
        }
        guestCache = parsed
        for (index, vmid) in local { result[index] = await withRuntimeStatus(result[index], vmid: vmid) }
        // The other nodes' figures are laid over away from the actor: with thousands of
        // guests that takes a while, and callers meanwhile get the previous list at once.
        let me = nodeName
        return await Task.detached { result.map { Self.withPublishedStatus($0, published: published, localNode: me) } }.value
    }

    /// The guest's summary as its service reads it; nil for a kind no service here runs
    /// (`openvz`), and a config that does not parse is left out of the list.
    func summary(of guest: GuestInventory.Guest, hostCPUs: Int) async throws -> (GuestSummary, Int64)? {
        switch guest.kind {
        case .qemu: return try await vms.configs(onNode: guest.node).summary(guest.vmid, hostCPUs: hostCPUs)
        case .lxc: return try await containers.configs(onNode: guest.node).summary(guest.vmid, hostCPUs: hostCPUs)
        case .openvz: return nil
        }
    }

    /// Another node's guest with the state that node published (`stopped` when it does not
    /// report it running), `unknown` while that node is offline (as Proxmox shows the guests of
    /// a node it has no status of); this node's guests are left as they are.
    static func withPublishedStatus(
        _ entry: ResourceEntry, published: [String: PublishedNode], localNode: String
    ) -> ResourceEntry {
        guard let node = entry.value["node"]?.stringValue, node != localNode, let vmid = entry.value["vmid"]?.intValue,
            case .object(var value) = entry.value
        else { return entry }
        guard let status = published[node], status.isOnline else {
            value["status"] = "unknown"
            return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
        }
        guard let figures = status.guests[vmid]?.objectValue else { return entry }
        for key in ["status", "cpu", "mem", "disk", "uptime", "netin", "netout", "diskread", "diskwrite"] {
            if let figure = figures[key] { value[key] = figure }
        }
        return ResourceEntry(value: .object(value), kind: entry.kind, aclPath: entry.aclPath, privilege: entry.privilege)
    }

    /// A guest of this node that runs gets the figures of the status loop's samples (one
    /// source with `status/current` and the history); the cached entry stays as the config says.
    func withRuntimeStatus(_ entry: ResourceEntry, vmid: VMID) async -> ResourceEntry {
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

    func guestEntry(_ guest: GuestInventory.Guest, _ summary: GuestSummary, pool: String?) -> ResourceEntry {
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
