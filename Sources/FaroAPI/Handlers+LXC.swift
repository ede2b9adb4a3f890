import FaroAPISpec
import FaroGuestSchema
import FaroLXC
import FaroModel
import FaroSchema

extension Handlers {

    /// A config as the API returns it: integers and numbers typed by the option schema.
    static func containerConfigJSON(_ config: ContainerConfig, digest: String?) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let digest { object["digest"] = .string(digest) }
        for (key, value) in config.options {
            switch ContainerSchema.options[key]?.type {
            case .integer?, .boolean?: object[key] = Int(value).map(JSONValue.int) ?? .string(value)
            case .number?: object[key] = Double(value).map(JSONValue.double) ?? .string(value)
            default: object[key] = .string(value)
            }
        }
        if let description = config.description { object["description"] = .string(description) }
        // Proxmox returns raw lxc keys as `lxc: [[key, value], ...]`.
        if !config.rawLXC.isEmpty { object["lxc"] = .array(config.rawLXC.map { .array([.string($0.key), .string($0.value)]) }) }
        return .object(object)
    }

    static func registerLXC(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        table.on(.get, "/nodes/{node}/lxc") { request in
            var entries: [JSONValue] = []
            for vmid in try await containers.list()
            where await services.authorizer.has(request.identity, "VM.Audit", on: "/vms/\(vmid)") {
                entries.append(await containerStatusJSON(try await containers.status(vmid, hostCPUs: services.host.cpuInfo().cpus), services))
            }
            return .json(.array(entries))
        }
        table.on(.post, "/nodes/{node}/lxc") { request in
            let pool = request.string("pool")
            if let pool, try await services.access.configuration().pools[pool] == nil {
                throw APIError.parameter("pool", "pool '\(pool)' does not exist")
            }
            let restore = request.bool("restore") == true
            if request.bool("force") == true && !restore { throw APIError.parameter("force", "option requires 'restore'") }
            var creation = try await restore ? restoreCreation(request, services) : ContainerCreation(
                vmid: try vmid(request), options: configOptions(request), template: request.required("ostemplate"),
                storage: request.string("storage") ?? "local", password: request.string("password"),
                sshPublicKeys: request.string("ssh-public-keys"))
            if request.bool("force") == true, try await containers.list().contains(creation.vmid) {
                // Overwriting also needs the right to back the container up (Proxmox asks only for that).
                try await requirePrivilege(services, request.identity, "VM.Backup", on: "/vms/\(creation.vmid)")
                creation.replacing = try await containers.reserveOverwrite(creation.vmid)
            } else {
                try await containers.reserve(creation)
            }
            let prepared = creation
            let start = request.bool("start") == true
            let upid = try await services.tasks.start(
                type: request.bool("restore") == true ? "vzrestore" : "vzcreate", id: "\(prepared.vmid)", user: request.identity.user.description
            ) { log in
                try await containers.create(prepared) { log.log($0) }
                if let pool {
                    try await services.access.updateConfig { access in access.pools[pool]?.vms.insert(prepared.vmid) }
                }
                if start { try await containers.start(prepared.vmid) { log.log($0) } }
            }
            return .json(.string(upid.description))
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}") { request in
            _ = try await containers.read(try vmid(request))
            return .json(.array(["config", "status", "snapshot", "pending", "clone", "template", "resize"].map { .object(["subdir": .string($0)]) }))
        }
        table.on(.delete, "/nodes/{node}/lxc/{vmid}") { request in try await destroyContainer(request, services) }
        registerLXCConfig(&table, services)
        registerLXCStatus(&table, services)
        registerLXCSnapshots(&table, services)
    }

    static func registerLXCConfig(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        table.on(.get, "/nodes/{node}/lxc/{vmid}/config") { request in
            var (config, file) = try await containers.read(try vmid(request))
            guard let snapshot = request.string("snapshot") else {
                if request.bool("current") != true { config.applyPending() }
                return .json(containerConfigJSON(config, digest: file.digest))
            }
            guard let section = config.file[section: snapshot], config.snapshotNames.contains(snapshot) else {
                throw APIError.failed("snapshot '\(snapshot)' does not exist")
            }
            return .json(containerConfigJSON(ContainerConfig(options: section.options, description: section.description), digest: file.digest))
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}/pending") { request in
            let (config, _) = try await containers.read(try vmid(request))
            return .json(.array(pendingEntries(config)))
        }
        table.on(.put, "/nodes/{node}/lxc/{vmid}/config") { request in
            let change = ContainerConfigChange(
                set: configOptions(request), delete: request.string("delete").map(Formats.splitList) ?? [],
                revert: request.string("revert").map(Formats.splitList) ?? [], digest: request.string("digest"),
                isRoot: request.identity.isSuperuser)
            try await containers.updateConfig(try vmid(request), change)
            return .null
        }
    }

    /// `GET .../pending`: every option with its current value, its pending value and a pending deletion.
    static func pendingEntries(_ config: ContainerConfig) -> [JSONValue] {
        let values = config.pendingValues, deletes = Set(config.pendingDeletes)
        var keys = Set(config.options.keys).union(values.keys).union(deletes)
        if config.description != nil { keys.insert("description") }
        return keys.sorted().map { key in
            var entry: [String: JSONValue] = ["key": .string(key)]
            if let value = key == "description" ? config.description : config[key] { entry["value"] = .string(value) }
            if let pending = values[key] { entry["pending"] = .string(pending) }
            if deletes.contains(key) { entry["delete"] = 1 }
            return .object(entry)
        }
    }

    /// `DELETE .../{vmid}`: refused while protected or (without `force`) running; `purge`
    /// also removes the CT from ACLs. Pools always drop it.
    static func destroyContainer(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let containers = services.containers, id = try vmid(request)
        let (config, _) = try await containers.read(id)
        if config.isProtected { throw APIError.failed(LXCError.protected(id).description) }
        let force = request.bool("force") == true, purge = request.bool("purge") == true
        let unreferenced = request.bool("destroy-unreferenced-disks") == true
        if try await containers.state(id).running, !force { throw APIError.failed(LXCError.running(id).description) }
        let upid = try await services.tasks.start(type: "vzdestroy", id: "\(id)", user: request.identity.user.description) { log in
            if force, try await containers.state(id).running {
                log.log("stopping the running container first")
                try await containers.stop(id)
            }
            try await containers.destroy(id, unreferencedDisks: unreferenced) { log.log($0) }
            try await services.access.updateConfig { access in
                for name in access.pools.keys { access.pools[name]?.vms.remove(id) }
                if purge { access.acl.removeValue(forKey: "/vms/\(id)") }
            }
        }
        return .json(.string(upid.description))
    }

    /// A container's list and status fields; the CPU share is the status loop's.
    static func containerStatusJSON(_ status: ContainerStatus, _ services: NodeServices) async -> JSONValue {
        let cpu = await services.metrics.cpuShare(status.vmid, pid: status.pid)
        var object: [String: JSONValue] = [
            "vmid": .int(status.vmid.rawValue), "name": .string(status.name), "type": "lxc",
            "status": .string(status.running ? "running" : "stopped"), "cpus": .int(status.cpus), "cpu": .double(cpu),
            "mem": .int(Int(status.memory)), "maxmem": .int(Int(status.maxMemory)), "swap": .int(Int(status.swap)),
            "maxswap": .int(Int(status.maxSwap)), "disk": .int(Int(status.disk)), "maxdisk": .int(Int(status.maxDisk)),
            "uptime": .int(status.uptime), "netin": .int(Int(status.netIn)), "netout": .int(Int(status.netOut)),
            "diskread": .int(Int(clamping: status.diskRead)), "diskwrite": .int(Int(clamping: status.diskWrite)), "ha": ["managed": 0],
        ]
        if let pid = status.pid, status.running { object["pid"] = .int(pid) }
        if let lock = status.lock { object["lock"] = .string(lock) }
        if let tags = status.tags { object["tags"] = .string(tags) }
        if status.template { object["template"] = 1 }
        return .object(object)
    }
}
