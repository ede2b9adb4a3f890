import FaroAPISpec
import FaroAccess
import FaroGuestSchema
import FaroModel
import FaroQemu
import FaroSchema
import FaroStorage

extension Handlers {
    /// Create parameters that are not config options.
    static func registerQemu(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        table.on(.get, "/nodes/{node}/qemu") { request in
            var list: [JSONValue] = []
            for vmid in try await vms.list() where await services.authorizer.has(request.identity, "VM.Audit", on: "/vms/\(vmid)") {
                guard let config = try? await vms.read(vmid).config else { continue }
                list.append(.object(await vmStatusEntry(vmid, config, services, full: request.bool("full") ?? false)))
            }
            return .json(.array(list))
        }
        table.on(.post, "/nodes/{node}/qemu") { request in try await createVM(request, services) }
        table.on(.get, "/nodes/{node}/qemu/{vmid}") { request in
            _ = try await vms.read(vmid(request))
            return .json(.array(["cloudinit", "config", "pending", "showcmd", "snapshot", "status"].map { .object(["subdir": .string($0)]) }))
        }
        table.on(.delete, "/nodes/{node}/qemu/{vmid}") { request in try await destroyVM(request, services) }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/config") { request in
            let (config, file) = try await vms.read(vmid(request))
            var shown = config
            if let snapshot = request.string("snapshot") {
                guard let section = config.file[section: snapshot], snapshot.uppercased() != VMConfig.pendingSection else {
                    throw APIError.failed("snapshot '\(snapshot)' does not exist")
                }
                shown = VMConfig(snapshotSection: section)
            } else if request.bool("current") != true {
                shown.applyPending()
            }
            var result: [String: JSONValue] = [:]
            for (key, value) in shown.options { result[key] = typedValue(key, value) }
            if result["cipassword"] != nil { result["cipassword"] = "**********" }
            if let description = shown.description { result["description"] = .string(description) }
            result["digest"] = .string(file.digest)
            return .json(.object(result))
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/pending") { request in
            let config = try await vms.read(vmid(request)).config
            return .json(.array(pendingEntries(config)))
        }
        table.on(.put, "/nodes/{node}/qemu/{vmid}/config") { request in
            let change = try configChange(request, services)
            try await requireConfigPrivileges(request, services, set: change.set, deleted: change.delete + change.revert)
            try await vms.updateConfig(vmid(request), change, isRoot: request.identity.isSuperuser)
            return .null
        }
        table.on(.post, "/nodes/{node}/qemu/{vmid}/config") { request in
            let id = try vmid(request)
            let change = try configChange(request, services)
            try await requireConfigPrivileges(request, services, set: change.set, deleted: change.delete + change.revert)
            _ = try await vms.read(id)
            let isRoot = request.identity.isSuperuser
            let summary = configUpdateLine(id, request.parameters)
            let upid = try await services.tasks.start(type: "qmconfig", id: "\(id)", user: request.identity.user.description) { log in
                log.log(summary)
                try await vms.updateConfig(id, change, isRoot: isRoot) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.put, "/nodes/{node}/qemu/{vmid}/resize") { request in
            let id = try vmid(request), disk = request.required("disk"), size = request.required("size")
            let digest = request.string("digest"), skiplock = try skiplockParameter(request)
            _ = try await vms.read(id)
            let upid = try await services.tasks.start(type: "resize", id: "\(id)", user: request.identity.user.description) { log in
                try await vms.resize(id, disk: disk, size: size, digest: digest, skiplock: skiplock) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/showcmd") { request in
            let argv = try await vms.command(vmid(request))
            return .json(.string(ShowCommand.render(argv, pretty: request.bool("pretty") ?? false)))
        }
    }

    /// The request's `vmid`; the method table has checked it against Proxmox's range already.
    static func vmid(_ request: APIRequest, _ name: String = "vmid") throws -> VMID {
        guard let vmid = request.int(name).flatMap({ VMID($0) }) ?? VMID(request.required(name)) else {
            throw APIError.parameter(name, "invalid VMID")
        }
        return vmid
    }

    /// The config options a create or update request sets (the method table names them), as
    /// config text.
    static func configOptions(_ request: APIRequest) -> [String: String] {
        var options = request.parameters.filter { request.method.configOptions.contains($0.key) }.mapValues(\.displayText)
        // The cloud-init password is stored as a crypt hash, as Proxmox stores it.
        if let password = options["cipassword"], !password.hasPrefix("$") { options["cipassword"] = PasswordHash.make(password) }
        return options
    }

    static func configChange(_ request: APIRequest, _ services: NodeServices) throws -> VMConfigChange {
        var change = VMConfigChange()
        change.set = configOptions(request)
        change.description = request.string("description")
        change.delete = request.string("delete").map(Formats.splitList) ?? []
        change.force = request.bool("force") ?? false
        for (index, key) in change.delete.enumerated() where key.hasPrefix("!") {
            change.delete[index] = String(key.dropFirst())
            change.force = true
        }
        change.revert = request.string("revert").map(Formats.splitList) ?? []
        change.digest = request.string("digest")
        change.skiplock = request.bool("skiplock") ?? false
        if change.skiplock, !request.identity.isSuperuser { throw APIError.parameter("skiplock", "Only root may use this option.") }
        return change
    }

    /// The first line of a config change's task log, as Proxmox writes it (and `qm set`
    /// prints): `update VM 100: -memory 512 -name web`, passwords hidden.
    static func configUpdateLine(_ vmid: VMID, _ parameters: [String: JSONValue]) -> String {
        let shown = parameters.filter { !["node", "vmid", "digest", "background_delay"].contains($0.key) }
        let words = shown.keys.sorted().flatMap { key in ["-" + key, key == "cipassword" ? "<hidden>" : shown[key]!.displayText] }
        return "update VM \(vmid): " + words.joined(separator: " ")
    }

    static func pendingEntries(_ config: VMConfig) -> [JSONValue] {
        let pending = config.pending, deletes = config.pendingDeletes
        var keys = Set(config.options.keys).union(pending.keys).union(deletes.keys)
        if config.description != nil { keys.insert("description") }
        return keys.sorted().map { key in
            var entry: [String: JSONValue] = ["key": .string(key)]
            let current = key == "description" ? config.description : config[key]
            if let current { entry["value"] = .string(current) }
            if let value = pending[key] { entry["pending"] = .string(value) }
            if let forced = deletes[key] { entry["delete"] = .int(forced ? 2 : 1) }
            return .object(entry)
        }
    }
}

extension Handlers {
    /// Integer and boolean options go out as JSON numbers, the rest as strings (as Proxmox does).
    static func typedValue(_ key: String, _ value: String) -> JSONValue {
        switch VMOptions.common[key]?.type {
        case .integer?, .boolean?: return Int(value).map(JSONValue.int) ?? .string(value)
        case .number?: return Double(value).map(JSONValue.double) ?? .string(value)
        default: return .string(value)
        }
    }
}
