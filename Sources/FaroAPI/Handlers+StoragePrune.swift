import FaroAPISpec
import FaroModel
import FaroStorage
import FaroSupport

extension Handlers {
    static func registerStoragePrune(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes/{node}/storage/{storage}/prunebackups") { request in
            let (_, entries) = try await pruneMarks(services, request)
            return .json(.array(entries.map { entry in
                var object: [String: JSONValue] = [
                    "volid": .string(entry.volume.volid.description), "ctime": .int(entry.volume.ctime ?? 0),
                    "mark": .string(entry.mark.rawValue), "type": .string(entry.type),
                ]
                if let vmid = entry.volume.vmid { object["vmid"] = .int(vmid.rawValue) }
                return .object(object)
            }))
        }
        table.on(.delete, "/nodes/{node}/storage/{storage}/prunebackups") { request in
            let storagePath = "/storage/\(request.required("storage"))"
            if await !services.authorizer.has(request.identity, "Datastore.Allocate", on: storagePath) {
                guard let vmid = request.int("vmid") else { throw APIError.permission(storagePath, ["Datastore.Allocate"]) }
                try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: storagePath)
                try await requirePrivilege(services, request.identity, "VM.Backup", on: "/vms/\(vmid)")
            }
            let (plugin, entries) = try await pruneMarks(services, request)
            let upid = try await services.tasks.start(type: "prunebackups", id: "", user: request.identity.user.description) {
                log in
                for entry in entries where entry.mark == .remove {
                    log.log("removing backup '\(entry.volume.volid)'")
                    try await plugin.free(entry.volume.volid.name)
                }
                log.log("prune finished: \(entries.filter { $0.mark == .remove }.count) removed")
            }
            return .json(.string(upid.description))
        }
        table.on(.get, "/nodes/{node}/scan") { _ in .json([["method": "lvm"], ["method": "lvmthin"]]) }
        table.on(.get, "/nodes/{node}/scan/lvm") { _ in
            .json(.array(try await StorageTypes.volumeGroups(runner: services.runner).map { .object(["vg": .string($0)]) }))
        }
        table.on(.get, "/nodes/{node}/scan/lvmthin") { request in
            let pools = try await StorageTypes.thinPools(runner: services.runner, vg: request.required("vg"))
            return .json(.array(pools.map { .object(["lv": .string($0)]) }))
        }
    }

    /// The storage's backups (of one guest or guest type when asked) with their marks, under
    /// the request's retention options or the storage's (`keep-all` when it has none).
    static func pruneMarks(_ services: NodeServices, _ request: APIRequest) async throws -> (any StoragePlugin, [BackupRetention.Entry]) {
        let plugin = try await services.storage.plugin(request.required("storage"))
        let options = try PruneOptions(parsing: request.string("prune-backups") ?? plugin.definition["prune-backups"] ?? "keep-all=1")
        return (plugin, try await BackupRetention.marks(plugin, options: options, vmid: request.int("vmid"), type: request.string("type")))
    }
}
