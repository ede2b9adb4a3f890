import FaroAPISpec
import FaroAccess
import FaroConfig
import FaroModel
import FaroSchema
import FaroStore

extension Handlers {
    static func registerPools(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/pools") { request in
            let config = try await access.configuration()
            if let id = request.string("poolid") {
                guard let pool = config.pools[id] else { throw APIError.failed("pool '\(id)' does not exist") }
                try await requirePrivilege(services, request.identity, "Pool.Audit", on: "/pool/\(id)")
                var entry = try await poolEntry(pool, type: request.string("type"), services)
                entry["poolid"] = .string(id)
                return .json([.object(entry)])
            }
            var list: [JSONValue] = []
            for id in config.pools.keys.sorted() where await services.authorizer.has(request.identity, "Pool.Audit", on: "/pool/\(id)") {
                var entry: [String: JSONValue] = ["poolid": .string(id)]
                if !config.pools[id]!.comment.isEmpty { entry["comment"] = .string(config.pools[id]!.comment) }
                list.append(.object(entry))
            }
            return .json(.array(list))
        }
        table.on(.get, "/pools/{poolid}") { request in
            let id = request.required("poolid")
            guard let pool = try await access.configuration().pools[id] else { throw APIError.failed("pool '\(id)' does not exist") }
            return .json(.object(try await poolEntry(pool, type: request.string("type"), services)))
        }
        table.on(.post, "/pools") { request in
            let id = request.required("poolid")
            try await access.updateConfig { config in
                guard config.pools[id] == nil else { throw APIError.failed("pool '\(id)' already exists") }
                if let slash = id.lastIndex(of: "/"), config.pools[String(id[..<slash])] == nil {
                    throw APIError.failed("parent pool '\(id[..<slash])' does not exist")
                }
                config.pools[id] = UserConfig.Pool(comment: request.string("comment") ?? "")
            }
            return .null
        }
        let update: APIHandler = { request in try await updatePool(request, services) }
        table.on(.put, "/pools", update)
        table.on(.put, "/pools/{poolid}", update)
        let delete: APIHandler = { request in
            let id = request.required("poolid")
            try await access.updateConfig { config in
                guard let pool = config.pools[id] else { throw APIError.failed("pool '\(id)' does not exist") }
                guard pool.vms.isEmpty, pool.storages.isEmpty, !config.pools.keys.contains(where: { $0.hasPrefix(id + "/") }) else {
                    throw APIError.failed("pool '\(id)' is not empty")
                }
                config.pools.removeValue(forKey: id)
                config.acl.removeValue(forKey: "/pool/\(id)")
            }
            return .null
        }
        table.on(.delete, "/pools", delete)
        table.on(.delete, "/pools/{poolid}", delete)
    }

    static func updatePool(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let id = request.required("poolid")
        let vms = try (request.string("vms").map(Formats.splitList) ?? []).map { text -> VMID in
            guard let vmid = VMID(text) else { throw APIError.parameter("vms", "invalid VMID '\(text)'") }
            return vmid
        }
        let storages = request.string("storage").map(Formats.splitList) ?? []
        let remove = request.bool("delete") ?? false
        let allowMove = request.bool("allow-move") ?? false
        let guests = try await guestPaths(services.store)
        for vmid in vms where guests[vmid] == nil && !remove { throw APIError.failed("VM \(vmid) does not exist") }
        let defined = Set(try await services.storage.configuration().definitions.map(\.id))
        for storage in storages where !remove && !defined.contains(storage) {
            throw APIError.failed("storage '\(storage)' does not exist")
        }
        try await services.access.updateConfig { config in
            guard config.pools[id] != nil else { throw APIError.failed("pool '\(id)' does not exist") }
            if let comment = request.string("comment") { config.pools[id]?.comment = comment }
            for vmid in vms {
                if remove {
                    guard config.pools[id]?.vms.remove(vmid) != nil else { throw APIError.failed("VM \(vmid) is not a pool member") }
                } else {
                    if let other = config.pool(ofVM: vmid), other != id {
                        guard allowMove else { throw APIError.failed("VM \(vmid) belongs already to pool '\(other)'") }
                        config.pools[other]?.vms.remove(vmid)
                    }
                    config.pools[id]?.vms.insert(vmid)
                }
            }
            for storage in storages {
                if remove { config.pools[id]?.storages.remove(storage) } else { config.pools[id]?.storages.insert(storage) }
            }
        }
        return .null
    }

    /// VMID → config path of every guest in the store.
    static func guestPaths(_ store: any ConfigStore) async throws -> [VMID: String] {
        var result: [VMID: String] = [:]
        for entry in try await store.keys(prefix: StoreLayout.nodesPrefix) {
            if let guest = StoreLayout.guestConfig(entry.path) { result[guest.vmid] = entry.path }
        }
        return result
    }

    /// A pool with its members as `/cluster/resources` shows them (status, CPU, memory and
    /// disk from the same figures); a member the list does not hold (a guest of another node, a
    /// storage not on this node) keeps its identifying fields.
    static func poolEntry(_ pool: UserConfig.Pool, type: String?, _ services: NodeServices) async throws -> [String: JSONValue] {
        var members: [JSONValue] = []
        let guests = try await guestPaths(services.store)
        var wanted: [(id: String, fallback: JSONValue)] = []
        for vmid in pool.vms.sorted() {
            guard let path = guests[vmid] else { continue }
            guard let guest = StoreLayout.guestConfig(path) else { continue }
            let kind = guest.kind.resourceType
            if let type, type != kind { continue }
            wanted.append((
                "\(kind)/\(vmid)",
                ["id": .string("\(kind)/\(vmid)"), "type": .string(kind), "vmid": .int(vmid.rawValue), "node": .string(guest.node)]
            ))
        }
        if type == nil || type == "storage" {
            for storage in pool.storages.sorted() {
                let id = "storage/\(services.nodeName)/\(storage)"
                wanted.append((
                    id, ["id": .string(id), "type": "storage", "storage": .string(storage), "node": .string(services.nodeName)]
                ))
            }
        }
        let live = try await services.resources.entries(ids: Set(wanted.map(\.id)))
        for (id, fallback) in wanted { members.append(live[id] ?? fallback) }
        var entry: [String: JSONValue] = ["members": .array(members)]
        if !pool.comment.isEmpty { entry["comment"] = .string(pool.comment) }
        return entry
    }
}
