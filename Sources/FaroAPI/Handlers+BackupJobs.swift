import FaroAPISpec
import FaroConfig
import FaroModel
import FaroStorage
import FaroVZDump
import Foundation

/// `/cluster/backup`: backup jobs in `jobs.cfg`, with Proxmox's rules for the selection.
extension Handlers {
    static let jobOnlyKeys: Set<String> = ["schedule", "enabled", "comment", "repeat-missed"]

    static func registerBackupJobs(_ table: inout HandlerTable, _ services: NodeServices) {
        let jobs = services.backupJobs
        table.on(.get, "/cluster/backup") { _ in
            let now = services.clock()
            return .json(.array(try await jobs.list().map { job in
                var entry = jobJSON(job)
                if job["enabled"] != "0", let event = try? CalendarEvent(parsing: job["schedule"] ?? ""),
                    let next = event.next(after: max(now, jobs.state(job.id)?.lastRun ?? now))
                {
                    entry["next-run"] = .int(next)
                }
                return .object(entry)
            }))
        }
        table.on(.get, "/cluster/backup/{id}") { request in .json(.object(jobJSON(try await existingJob(request, jobs)))) }
        table.on(.post, "/cluster/backup") { request in
            let id = request.string("id") ?? UUID().uuidString.lowercased()
            let values = try await jobValues(request, services, existing: nil)
            try await jobs.update { config in
                guard config[id: id] == nil else { throw APIError.parameter("id", "Job '\(id)' already exists") }
                config.sections.append(SectionConfig.Section(type: "vzdump", id: id, options: values))
            }
            try jobs.saveState(id, BackupJobs.State(state: "created", time: services.clock()))
            return .null
        }
        table.on(.put, "/cluster/backup/{id}") { request in
            let old = try await existingJob(request, jobs)
            let values = try await jobValues(request, services, existing: old)
            try await jobs.update { config in
                guard let index = config.sections.firstIndex(where: { $0.type == "vzdump" && $0.id == old.id }) else {
                    throw APIError.parameter("id", "No such job '\(old.id)'")
                }
                config.sections[index] = SectionConfig.Section(type: "vzdump", id: old.id, options: values)
            }
            let changed = values.first { $0.0 == "schedule" }?.1 != old["schedule"] || values.first { $0.0 == "enabled" }?.1 != old["enabled"]
            if changed {
                var state = jobs.state(old.id) ?? BackupJobs.State(state: "created", time: services.clock())
                state.updated = services.clock()
                try jobs.saveState(old.id, state)
            }
            return .null
        }
        table.on(.delete, "/cluster/backup/{id}") { request in
            let job = try await existingJob(request, jobs)
            try await jobs.update { config in config.sections.removeAll { $0.type == "vzdump" && $0.id == job.id } }
            jobs.removeState(job.id)
            return .null
        }
        table.on(.get, "/cluster/backup/{id}/included_volumes") { request in
            let job = try await existingJob(request, jobs)
            return .json(["children": .array(try await includedVolumes(job, services, request.identity))])
        }
    }

    static func existingJob(_ request: APIRequest, _ jobs: BackupJobs) async throws -> SectionConfig.Section {
        let id = request.required("id")
        guard let job = try await jobs.job(id) else { throw APIError.parameter("id", "No such job '\(id)'") }
        return job
    }

    /// A job as the API shows it: `prune-backups` as an object, `enabled` always present.
    static func jobJSON(_ job: SectionConfig.Section) -> [String: JSONValue] {
        var entry: [String: JSONValue] = ["id": .string(job.id), "type": "vzdump", "enabled": .int(job["enabled"] == "0" ? 0 : 1)]
        let method = APISpec.faro.method(.post, "/cluster/backup")
        for key in job.keys where key != "enabled" {
            let value = job[key]!
            if key == "prune-backups" {
                entry[key] = .object(Dictionary(uniqueKeysWithValues: value.split(separator: ",").compactMap { item in
                    let pair = item.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 ? (String(pair[0]), JSONValue.int(Int(pair[1]) ?? 0)) : nil
                }))
            } else if let type = method?.parameters.properties?[key]?.type, type == .integer || type == .boolean, let number = Int(value) {
                entry[key] = .int(number)
            } else {
                entry[key] = .string(value)
            }
        }
        return entry
    }

    /// The job's lines after a create or update: Proxmox's selection rules, a valid schedule,
    /// the vzdump options checked as a vzdump call would be.
    static func jobValues(_ request: APIRequest, _ services: NodeServices, existing: SectionConfig.Section?) async throws -> [(String, String)] {
        var values: [String: String] = [:]
        for key in existing?.keys ?? [] { values[key] = existing![key] }
        for key in (request.string("delete") ?? "").split(separator: ",").map(String.init) { values[key] = nil }
        let given = request.parameters.filter { $0.key != "id" && $0.key != "delete" }
        if given["vmid"] != nil { (values["all"], values["exclude"], values["pool"]) = (nil, nil, nil) }
        if given["all"]?.boolValue == true { (values["vmid"], values["pool"]) = (nil, nil) }
        if given["pool"] != nil { (values["vmid"], values["all"], values["exclude"]) = (nil, nil, nil) }
        for (key, value) in given { values[key] = value.arrayValue.map { $0.map(\.displayText).joined(separator: ",") } ?? value.displayText }
        if given["exclude"] != nil, values["pool"] == nil { values["all"] = "1" }
        if let time = values.removeValue(forKey: "starttime") {
            guard given["schedule"] == nil else { throw APIError.parameter("starttime", "option conflicts with 'schedule'") }
            let days = values.removeValue(forKey: "dow")
            values["schedule"] = days.map { "\($0) \(time)" } ?? time
        }
        values["dow"] = nil
        guard let schedule = values["schedule"] else { throw APIError.parameter("schedule", "property is missing and it is not optional") }
        do { _ = try CalendarEvent(parsing: schedule) } catch { throw APIError.parameter("schedule", error.description) }
        // The options must make a valid vzdump call (selection, prune-backups, notes, rights).
        let check = APIRequest(method: request.method, parameters: vzdumpParameters(values, node: services.nodeName), identity: request.identity)
        _ = try await vzdumpGuests(check, services)
        _ = try await vzdumpOptions(check, services, guests: [])
        if let pool = values["pool"] { try await requirePrivilege(services, request.identity, "VM.Backup", on: "/pool/\(pool)") }
        let order = ["schedule", "enabled"] + values.keys.filter { $0 != "schedule" && $0 != "enabled" }.sorted()
        return order.compactMap { key in values[key].map { (key, $0) } }
    }

    /// A job's options as the parameters of `POST /nodes/{node}/vzdump`.
    static func vzdumpParameters(_ values: [String: String], node: String) -> [String: JSONValue] {
        guard let method = APISpec.faro.method(.post, "/nodes/{node}/vzdump"), let properties = method.parameters.properties else { return [:] }
        var parameters: [String: JSONValue] = ["node": .string(node)]
        for (key, value) in values where !jobOnlyKeys.contains(key) && key != "node" {
            switch properties[key]?.type {
            case .boolean?: parameters[key] = .bool(value == "1")
            case .integer?: parameters[key] = Int(value).map(JSONValue.int) ?? .string(value)
            case .array?: parameters[key] = .array(value.split(separator: ",").map { .string(String($0)) })
            case nil: continue
            default: parameters[key] = .string(value)
            }
        }
        return parameters
    }

    /// The job's guests on this node with each volume and why it is in or out.
    static func includedVolumes(_ job: SectionConfig.Section, _ services: NodeServices, _ identity: Identity) async throws -> [JSONValue] {
        let request = APIRequest(
            method: APISpec.faro.method(.post, "/nodes/{node}/vzdump")!, parameters: vzdumpParameters(job.values, node: services.nodeName),
            identity: identity)
        var result: [JSONValue] = []
        for vmid in try await vzdumpGuests(request, services) where await services.authorizer.has(identity, "VM.Audit", on: "/vms/\(vmid)") {
            if let config = try? await services.vms.read(vmid).config {
                let volumes = try VMDiskSelection.volumes(config).map { volume -> JSONValue in
                    ["id": .string("\(vmid):\(volume.key)"), "name": .string(volume.volume), "included": .int(volume.included ? 1 : 0),
                     "reason": .string(volume.reason), "leaf": 1]
                }
                result.append(["id": .int(vmid.rawValue), "type": "qemu", "name": .string(config["name"] ?? "VM \(vmid)"), "leaf": 0,
                               "children": .array(volumes)])
            } else if let config = try? await services.containers.read(vmid).config {
                var volumes: [JSONValue] = []
                if let rootfs = config.rootfs?["volume"] {
                    volumes.append(["id": .string("\(vmid):rootfs"), "name": .string(rootfs), "included": 1, "reason": "rootfs", "leaf": 1])
                }
                for (index, values) in config.mountPoints {
                    let volume = values["volume"] ?? ""
                    let reason = volume.hasPrefix("/") ? "not a volume" : values["backup"] == "1" ? "enabled" : "disabled"
                    volumes.append(["id": .string("\(vmid):mp\(index)"), "name": .string(volume), "included": .int(reason == "enabled" ? 1 : 0),
                                    "reason": .string(reason), "leaf": 1])
                }
                result.append(["id": .int(vmid.rawValue), "type": "lxc", "name": .string(config.hostname(vmid: vmid)), "leaf": 0,
                               "children": .array(volumes)])
            } else {
                result.append(["id": .int(vmid.rawValue), "type": "unknown", "leaf": 1])
            }
        }
        return result
    }
}
