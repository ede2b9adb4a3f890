import FaroAPISpec
import FaroGuest
import FaroModel
import FaroSchema
import FaroStorage

extension Handlers {
    static func registerStorageContent(_ table: inout HandlerTable, _ services: NodeServices) {
        let storage = services.storage
        table.on(.get, "/nodes/{node}/storage/{storage}/content") { request in
            let plugin = try await storage.plugin(request.required("storage"))
            let content = try request.string("content").map { text in
                guard let type = ContentType(rawValue: text) else { throw APIError.parameter("content", "invalid content type '\(text)'") }
                return type
            }
            let vmid = request.int("vmid").flatMap(VMID.init)
            var volumes = try await plugin.listVolumes(content: content == .rootdir ? nil : content, vmid: vmid)
            let containers = try await GuestInventory.vmids(in: services.store, kind: .lxc)
            volumes = volumes.map { relabel($0, containers: containers) }
            if let content { volumes = volumes.filter { $0.content == content } }
            var list: [JSONValue] = []
            for volume in volumes where await mayRead(services, request.identity, volume) { list.append(volumeJSON(volume)) }
            return .json(.array(list))
        }
        table.on(.post, "/nodes/{node}/storage/{storage}/content") { request in
            let plugin = try await storage.plugin(request.required("storage"))
            guard let vmid = request.int("vmid").flatMap(VMID.init) else { throw APIError.parameter("vmid", "invalid VM ID") }
            guard let sizeKiB = parseKiB(request.required("size")), sizeKiB > 0 || request.string("format") == "subvol" else {
                throw APIError.parameter("size", "unable to parse size '\(request.required("size"))'")
            }
            // An empty name asks for the next free `vm-<vmid>-disk-N`.
            var name = request.required("filename")
            let format = try allocationFormat(request, storage: storage, plugin: plugin, name: &name)
            let volname = try await plugin.allocate(vmid: vmid, name: name.isEmpty ? nil : name, format: format, sizeKiB: sizeKiB)
            return .json(.string("\(plugin.id):\(volname)"))
        }
        table.on(.get, "/nodes/{node}/storage/{storage}/content/{volume}") { request in
            let (plugin, volid) = try await resolveVolume(request, storage)
            let volume = relabel(try await plugin.info(volid.name), containers: try await GuestInventory.vmids(in: services.store, kind: .lxc))
            guard await mayRead(services, request.identity, volume) else {
                throw APIError.permission("/storage/\(plugin.id)", ["Datastore.Audit"])
            }
            var entry: [String: JSONValue] = [
                "path": .string(try plugin.path(volid.name)), "size": .int(Int(volume.size)), "format": .string(volume.format),
                "used": .int(Int(volume.used ?? volume.size)),
            ]
            if volume.content == .backup {
                entry["notes"] = .string(volume.notes ?? "")
                entry["protected"] = .int(volume.isProtected ? 1 : 0)
            }
            return .json(.object(entry))
        }
        table.on(.put, "/nodes/{node}/storage/{storage}/content/{volume}") { request in
            let (plugin, volid) = try await resolveVolume(request, storage)
            let volume = try await plugin.info(volid.name)
            guard await mayRead(services, request.identity, volume) else {
                throw APIError.permission("/storage/\(plugin.id)", ["Datastore.Audit"])
            }
            try await services.files.updateAttributes(plugin, volume, notes: request.string("notes"), protected: request.bool("protected"))
            return .null
        }
        table.on(.delete, "/nodes/{node}/storage/{storage}/content/{volume}") { request in
            let (plugin, volid) = try await resolveVolume(request, storage)
            let volume = try await plugin.info(volid.name)
            try await requireDeleteRight(services, request.identity, plugin: plugin, volume: volume)
            guard !volume.isProtected else { throw APIError.failed("backup '\(volid)' is protected") }
            let upid = try await services.tasks.start(type: "imgdel", id: "", user: request.identity.user.description) {
                log in
                try await plugin.free(volid.name)
                log.log("Removed volume '\(volid)'")
            }
            guard let delay = request.int("delay") else { return .json(.string(upid.description)) }
            let record = try await waitForTask(services, upid, seconds: delay)
            return record == nil ? .json(.string(upid.description)) : .null
        }
        table.on(.post, "/nodes/{node}/storage/{storage}/content/{volume}") { request in
            let (source, volid) = try await resolveVolume(request, storage)
            if let target = request.string("target_node"), target != services.nodeName {
                throw APIError.failed("copying to another node is not supported yet")
            }
            let target = try VolumeID(parsing: request.required("target"))
            let destination = try await storage.plugin(target.storage)
            let upid = try await services.tasks.start(type: "imgcopy", id: "", user: request.identity.user.description) {
                log in
                try await services.files.copyVolume(from: source, volid.name, to: destination, target.name) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
    }
}
