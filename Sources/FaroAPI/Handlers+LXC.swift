import FaroAPISpec
import FaroLXC
import FaroModel
import FaroSchema

extension Handlers {
    /// Parameters that are not config options on `POST /nodes/{node}/lxc` and `PUT .../config`.
    static let containerControlParameters: Set<String> = [
        "node", "vmid", "ostemplate", "storage", "password", "ssh-public-keys", "start", "force", "pool", "unique", "restore",
        "delete", "digest", "revert", "bwlimit", "ha-managed", "ignore-unpack-errors",
    ]

    static func containerID(_ request: APIRequest) -> VMID { VMID(request.required("vmid"))! }

    /// The config options a request sets, as config text (booleans `0`/`1`).
    static func containerOptions(_ request: APIRequest) -> [String: String] {
        var options: [String: String] = [:]
        for (key, value) in request.parameters where !containerControlParameters.contains(key) {
            options[key] = value.displayText
        }
        return options
    }

    /// A config as the API returns it: integers and numbers typed by the option schema.
    static func containerConfigJSON(_ config: ContainerConfig, digest: String) -> JSONValue {
        var object: [String: JSONValue] = ["digest": .string(digest)]
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
                entries.append(containerStatusJSON(try await containers.status(vmid, hostCPUs: services.host.cpuInfo().cpus)))
            }
            return .json(.array(entries))
        }
        table.on(.post, "/nodes/{node}/lxc") { request in
            for name in ["restore", "pool", "ha-managed"] where request.parameters[name] != nil && request.bool(name) != false {
                throw APIError.parameter(name, "'\(name)' is not supported yet")
            }
            let creation = ContainerCreation(
                vmid: containerID(request), options: containerOptions(request), template: request.required("ostemplate"),
                storage: request.string("storage") ?? "local", password: request.string("password"),
                sshPublicKeys: request.string("ssh-public-keys"))
            try await containers.reserve(creation)
            let start = request.bool("start") == true
            let upid = try await services.tasks.start(
                type: "vzcreate", id: "\(creation.vmid)", user: request.identity.user.description
            ) { log in
                try await containers.create(creation) { log.log($0) }
                if start { try await containers.start(creation.vmid) { log.log($0) } }
            }
            return .json(.string(upid.description))
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}") { request in
            _ = try await containers.read(containerID(request))
            return .json(.array(["config", "status", "snapshot", "pending"].map { .object(["subdir": .string($0)]) }))
        }
        table.on(.delete, "/nodes/{node}/lxc/{vmid}") { request in
            let id = containerID(request)
            let (config, _) = try await containers.read(id)
            if config.isProtected { throw APIError.failed(LXCError.protected(id).description) }
            let force = request.bool("force") == true
            if try await containers.state(id).running, !force { throw APIError.failed(LXCError.running(id).description) }
            let upid = try await services.tasks.start(type: "vzdestroy", id: "\(id)", user: request.identity.user.description) { log in
                if force, try await containers.state(id).running { try await containers.stop(id) }
                try await containers.destroy(id) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        registerLXCConfig(&table, services)
        registerLXCStatus(&table, services)
    }

    static func registerLXCConfig(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        table.on(.get, "/nodes/{node}/lxc/{vmid}/config") { request in
            let (config, file) = try await containers.read(containerID(request))
            guard let snapshot = request.string("snapshot") else { return .json(containerConfigJSON(config, digest: file.digest)) }
            guard let section = config.file[section: snapshot], config.snapshotNames.contains(snapshot) else {
                throw APIError.failed("snapshot '\(snapshot)' does not exist")
            }
            return .json(containerConfigJSON(ContainerConfig(options: section.options, description: section.description), digest: file.digest))
        }
        table.on(.put, "/nodes/{node}/lxc/{vmid}/config") { request in
            let options = containerOptions(request)
            let deletions = request.string("delete").map(Formats.splitList) ?? []
            for key in deletions where options[key] != nil {
                throw APIError.parameter("delete", "unable to delete and set '\(key)' at the same time")
            }
            for key in ["rootfs", "template"] where deletions.contains(key) {
                throw APIError.parameter("delete", "unable to delete '\(key)'")
            }
            try await containers.update(containerID(request), digest: request.string("digest")) { config in
                if let lock = config.lock { throw LXCError.locked(containerID(request), lock) }
                for (key, value) in options {
                    if key == "description" { config.description = value } else { config[key] = value }
                }
                for key in deletions {
                    if key == "description" { config.description = nil } else { config[key] = nil }
                }
            }
            return .null
        }
    }

    static func containerStatusJSON(_ status: ContainerStatus) -> JSONValue {
        var object: [String: JSONValue] = [
            "vmid": .int(status.vmid.rawValue), "name": .string(status.name), "type": "lxc",
            "status": .string(status.running ? "running" : "stopped"), "cpus": .int(status.cpus), "cpu": .double(status.cpu),
            "mem": .int(Int(status.memory)), "maxmem": .int(Int(status.maxMemory)), "swap": .int(Int(status.swap)),
            "maxswap": .int(Int(status.maxSwap)), "disk": .int(Int(status.disk)), "maxdisk": .int(Int(status.maxDisk)),
            "uptime": .int(status.uptime), "netin": .int(Int(status.netIn)), "netout": .int(Int(status.netOut)),
            "diskread": 0, "diskwrite": 0, "ha": ["managed": 0],
        ]
        if let pid = status.pid, status.running { object["pid"] = .int(pid) }
        if let lock = status.lock { object["lock"] = .string(lock) }
        if let tags = status.tags { object["tags"] = .string(tags) }
        if status.template { object["template"] = 1 }
        return .object(object)
    }
}
