import FaroAPISpec
import FaroLXC
import FaroModel
import FaroStorage

extension Handlers {
    static func registerLXCSnapshots(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        let base = "/nodes/{node}/lxc/{vmid}/snapshot"
        table.on(.get, "/nodes/{node}/lxc/{vmid}/feature") { request in
            let feature = try featureParameter(request)
            let has = try await containers.hasFeature(try vmid(request), feature, snapshot: request.string("snapname"))
            return .json(["hasFeature": .bool(has)])
        }
        table.on(.get, base) { request in
            let list = try await containers.snapshots(try vmid(request)).map { snapshot -> JSONValue in
                var entry: [String: JSONValue] = ["name": .string(snapshot.name), "description": .string(snapshot.description)]
                if let time = snapshot.snaptime { entry["snaptime"] = .int(time) }
                if let parent = snapshot.parent { entry["parent"] = .string(parent) }
                return .object(entry)
            }
            return .json(.array(list))
        }
        table.on(.post, base) { request in
            let name = request.required("snapname"), description = request.string("description")
            return try await powerTask(services, "vzsnapshot", request) { id, log in
                try await containers.createSnapshot(id, name: name, description: description, log: log)
            }
        }
        table.on(.get, base + "/{snapname}") { request in
            _ = try await containers.snapshotSection(try vmid(request), request.required("snapname"))
            return .json([["cmd": "config"], ["cmd": "rollback"]])
        }
        table.on(.delete, base + "/{snapname}") { request in
            let name = request.required("snapname"), force = request.bool("force") == true
            _ = try await containers.snapshotSection(try vmid(request), name)
            return try await powerTask(services, "vzdelsnapshot", request) { id, log in
                try await containers.deleteSnapshot(id, name: name, force: force, log: log)
            }
        }
        table.on(.get, base + "/{snapname}/config") { request in
            let section = try await containers.snapshotSection(try vmid(request), request.required("snapname"))
            return .json(containerConfigJSON(ContainerConfig(options: section.options, description: section.description), digest: nil))
        }
        table.on(.put, base + "/{snapname}/config") { request in
            try await containers.updateSnapshotDescription(
                try vmid(request), name: request.required("snapname"), description: request.string("description"))
            return .null
        }
        table.on(.post, base + "/{snapname}/rollback") { request in
            let name = request.required("snapname"), start = request.bool("start") == true
            _ = try await containers.snapshotSection(try vmid(request), name)
            return try await powerTask(services, "vzrollback", request) { id, log in
                try await containers.rollback(id, name: name, log: log)
                if start { try await containers.start(id, log: log) }
            }
        }
        registerLXCVolumes(&table, services)
    }
}
