import FaroAPISpec
import FaroLXC
import FaroModel

extension Handlers {
    static func registerLXCSnapshots(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        let base = "/nodes/{node}/lxc/{vmid}/snapshot"
        table.on(.get, base) { request in
            let list = try await containers.snapshots(containerID(request)).map { snapshot -> JSONValue in
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
            _ = try await containers.snapshotSection(containerID(request), request.required("snapname"))
            return .json([["cmd": "config"], ["cmd": "rollback"]])
        }
        table.on(.delete, base + "/{snapname}") { request in
            let name = request.required("snapname"), force = request.bool("force") == true
            _ = try await containers.snapshotSection(containerID(request), name)
            return try await powerTask(services, "vzdelsnapshot", request) { id, log in
                try await containers.deleteSnapshot(id, name: name, force: force, log: log)
            }
        }
        table.on(.get, base + "/{snapname}/config") { request in
            let section = try await containers.snapshotSection(containerID(request), request.required("snapname"))
            return .json(containerConfigJSON(ContainerConfig(options: section.options, description: section.description), digest: nil))
        }
        table.on(.put, base + "/{snapname}/config") { request in
            try await containers.updateSnapshotDescription(
                containerID(request), name: request.required("snapname"), description: request.string("description"))
            return .null
        }
        table.on(.post, base + "/{snapname}/rollback") { request in
            let name = request.required("snapname"), start = request.bool("start") == true
            _ = try await containers.snapshotSection(containerID(request), name)
            return try await powerTask(services, "vzrollback", request) { id, log in
                try await containers.rollback(id, name: name, log: log)
                if start { try await containers.start(id, log: log) }
            }
        }
        registerLXCVolumes(&table, services)
    }

    static func registerLXCVolumes(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        let ct = "/nodes/{node}/lxc/{vmid}"
        table.on(.post, ct + "/template") { request in
            let id = containerID(request)
            try await containers.convertToTemplate(id) { _ in }
            return .null
        }
        table.on(.post, ct + "/clone") { request in
            for name in ["target", "pool", "snapname"] where request.parameters[name] != nil {
                throw APIError.parameter(name, "'\(name)' is not supported by Faro yet")
            }
            let clone = ContainerClone(
                source: containerID(request), target: VMID(request.required("newid"))!, full: request.bool("full"),
                hostname: request.string("hostname"), description: request.string("description"), storage: request.string("storage"))
            return try await powerTask(services, "vzclone", request) { _, log in try await containers.clone(clone, log: log) }
        }
        table.on(.put, ct + "/resize") { request in
            let disk = request.required("disk"), size = request.required("size"), digest = request.string("digest")
            return try await powerTask(services, "resize", request) { id, log in
                try await containers.resize(id, disk: disk, size: size, digest: digest, log: log)
            }
        }
        table.on(.post, ct + "/move_volume") { request in
            for name in ["target-vmid", "target-volume", "target-digest"] where request.parameters[name] != nil {
                throw APIError.parameter(name, "moving a volume to another container is not supported by Faro yet")
            }
            guard let storage = request.string("storage") else { throw APIError.parameter("storage", "property is missing") }
            let key = request.required("volume"), delete = request.bool("delete") == true, digest = request.string("digest")
            guard key == "rootfs" || key.hasPrefix("mp") else {
                throw APIError.parameter("volume", "moving '\(key)' is not supported by Faro yet")
            }
            return try await powerTask(services, "move_volume", request) { id, log in
                try await containers.moveVolume(id, key: key, storage: storage, delete: delete, digest: digest, log: log)
            }
        }
        table.on(.post, ct + "/status/suspend") { request in
            try await powerTask(services, "vzsuspend", request) { id, _ in try await containers.suspend(id) }
        }
        table.on(.post, ct + "/status/resume") { request in
            try await powerTask(services, "vzresume", request) { id, _ in try await containers.resume(id) }
        }
    }
}
