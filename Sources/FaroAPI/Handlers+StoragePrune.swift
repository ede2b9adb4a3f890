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

    struct PruneEntry: Sendable {
        var volume: VolumeInfo
        var type: String
        var mark: PruneMark
    }

    /// The storage's backups (of one guest or guest type when asked) with their marks, under
    /// the request's retention options or the storage's (`keep-all` when it has none).
    static func pruneMarks(_ services: NodeServices, _ request: APIRequest) async throws -> (any StoragePlugin, [PruneEntry]) {
        let plugin = try await services.storage.plugin(request.required("storage"))
        let options = try PruneOptions(parsing: request.string("prune-backups") ?? plugin.definition["prune-backups"] ?? "keep-all=1")
        var volumes: [(VolumeInfo, BackupArchive?)] = []
        for volume in try await plugin.listVolumes(content: .backup, vmid: nil) {
            let archive = BackupArchive(fileName: String(volume.volid.name.dropFirst("backup/".count)))
            if let vmid = request.int("vmid"), volume.vmid?.rawValue != vmid { continue }
            if let type = request.string("type"), archive?.guestType?.rawValue != type { continue }
            volumes.append((volume, archive))
        }
        let candidates = volumes.map { volume, archive in
            PruneCandidate(
                volid: volume.volid.description, ctime: volume.ctime ?? 0,
                group: archive?.isStandardName == true ? "\(archive!.guestType!.rawValue)/\(archive!.vmid!)" : nil,
                isProtected: volume.isProtected)
        }
        let marks = Pruner.mark(candidates, options: options)
        let entries = volumes.map { volume, archive in
            PruneEntry(
                volume: volume, type: archive?.guestType?.rawValue ?? "unknown", mark: marks[volume.volid.description] ?? .keep)
        }
        return (plugin, entries.sorted { ($0.volume.ctime ?? 0) > ($1.volume.ctime ?? 0) })
    }
}
