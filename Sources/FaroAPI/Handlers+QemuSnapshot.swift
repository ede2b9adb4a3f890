import FaroStorage
import FaroModel
import FaroQemu

extension Handlers {
    static func registerQemuSnapshots(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        let base = "/nodes/{node}/qemu/{vmid}/snapshot"
        @Sendable func task(
            _ type: String, _ request: APIRequest, _ work: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> Void
        ) async throws -> APIResult {
            let upid = try await services.tasks.start(type: type, id: "\(vmid(request))", user: request.identity.user.description) { log in
                try await work { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/feature") { request in
            let feature = try featureParameter(request)
            let answer = try await vms.hasFeature(vmid(request), feature, snapshot: request.string("snapname"))
            return .json(["hasFeature": .bool(answer.has), "nodes": .array(answer.nodes.map { .string($0) })])
        }
        table.on(.get, base) { request in
            let list = try await vms.snapshots(vmid(request)).map { snapshot -> JSONValue in
                var entry: [String: JSONValue] = ["name": .string(snapshot.name), "description": .string(snapshot.description)]
                if let time = snapshot.snaptime { entry["snaptime"] = .int(time) }
                if let parent = snapshot.parent { entry["parent"] = .string(parent) }
                if snapshot.name == "current" { entry["running"] = .int(snapshot.running ? 1 : 0) } else { entry["vmstate"] = .int(snapshot.hasState ? 1 : 0) }
                return .object(entry)
            }
            return .json(.array(list))
        }
        table.on(.post, base) { request in
            let id = try vmid(request), name = request.required("snapname"), description = request.string("description")
            let vmstate = request.bool("vmstate") ?? false
            _ = try await vms.read(id)
            return try await task("qmsnapshot", request) { log in
                try await vms.createSnapshot(id, name: name, description: description, vmstate: vmstate, log: log)
            }
        }
        table.on(.get, base + "/{snapname}") { request in
            _ = try await snapshotSection(request, services)
            return .json([["cmd": "config"], ["cmd": "rollback"]])
        }
        table.on(.delete, base + "/{snapname}") { request in
            let id = try vmid(request), name = request.required("snapname"), force = request.bool("force") ?? false
            _ = try await snapshotSection(request, services)
            return try await task("qmdelsnapshot", request) { log in try await vms.deleteSnapshot(id, name: name, force: force, log: log) }
        }
        table.on(.get, base + "/{snapname}/config") { request in
            let section = try await snapshotSection(request, services)
            var result: [String: JSONValue] = [:]
            for (key, value) in section.options { result[key] = typedValue(key, value) }
            if let description = section.description { result["description"] = .string(description) }
            return .json(.object(result))
        }
        table.on(.put, base + "/{snapname}/config") { request in
            try await vms.updateSnapshotDescription(vmid(request), name: request.required("snapname"), description: request.string("description"))
            return .null
        }
        table.on(.post, base + "/{snapname}/rollback") { request in
            let id = try vmid(request), name = request.required("snapname"), start = request.bool("start") ?? false
            _ = try await snapshotSection(request, services)
            return try await task("qmrollback", request) { log in try await vms.rollback(id, name: name, start: start, log: log) }
        }
    }

    /// The validated `feature` parameter of a `feature` method.
    static func featureParameter(_ request: APIRequest) throws -> VolumeFeature {
        guard let feature = VolumeFeature(rawValue: request.required("feature")) else {
            throw APIError.parameter("feature", "value '\(request.required("feature"))' does not have a value in the enumeration 'snapshot, clone, copy'")
        }
        return feature
    }

    static func snapshotSection(_ request: APIRequest, _ services: NodeServices) async throws -> GuestConfigFile.Section {
        let name = request.required("snapname")
        let config = try await services.vms.read(vmid(request)).config
        guard config.snapshotNames.contains(name), let section = config.file[section: name] else {
            throw APIError.failed("snapshot '\(name)' does not exist")
        }
        return section
    }
}

import FaroConfig
