import FaroModel
import FaroQemu
import FaroSchema

/// Templates, clones, disk moves and unlinking: checks run before the task starts, so bad
/// input is answered at once and the task only does the work.
extension Handlers {
    static func registerQemuDisks(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        let base = "/nodes/{node}/qemu/{vmid}"
        table.on(.post, base + "/template") { request in
            let id = try vmid(request), disk = request.string("disk")
            try await vms.checkTemplate(id, disk: disk)
            let upid = try await services.tasks.start(type: "qmtemplate", id: "\(id)", user: request.identity.user.description) { log in
                try await vms.convertToTemplate(id, disk: disk) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.post, base + "/clone") { request in try await cloneVM(request, services) }
        table.on(.post, base + "/move_disk") { request in
            let id = try vmid(request), move = try diskMove(request)
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(move.storage)")
            try await vms.checkMoveDisk(id, move)
            let upid = try await services.tasks.start(type: "qmmove", id: "\(id)", user: request.identity.user.description) { log in
                try await vms.moveDisk(id, move) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.post, base + "/importdisk") { request in
            let id = try vmid(request)
            _ = try await vms.read(id)
            let (source, storage) = (request.required("source"), request.required("storage"))
            let (format, target) = (request.string("format"), request.string("target-disk"))
            let isRoot = request.identity.isSuperuser
            try await vms.checkImportDisk(id, source: source, storage: storage, format: format, target: target, isRoot: isRoot)
            let upid = try await services.tasks.start(type: "qmimport", id: "\(id)", user: request.identity.user.description) { log in
                try await vms.importDisk(id, source: source, storage: storage, format: format, target: target, isRoot: isRoot) { log.log($0) }
            }
            return .json(.string(upid.description))
        }
        table.on(.put, base + "/unlink") { request in
            let disks = Formats.splitList(request.required("idlist"))
            try await vms.unlink(vmid(request), disks: disks, force: request.bool("force") ?? false)
            return .null
        }
    }

    static func diskMove(_ request: APIRequest) throws -> VMDiskMove {
        for name in ["target-vmid", "target-disk", "target-digest"] where request.parameters[name] != nil {
            throw APIError.parameter(name, "moving a disk to another VM is not supported by Faro yet")
        }
        guard let storage = request.string("storage") else {
            throw APIError.parameter("storage", "either set 'storage' or 'target-vmid'")
        }
        var move = VMDiskMove(disk: request.required("disk"), storage: storage)
        move.format = request.string("format")
        move.delete = request.bool("delete") ?? false
        move.digest = request.string("digest")
        move.bwlimit = request.int("bwlimit")
        return move
    }

    static func cloneVM(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let id = try vmid(request)
        if let target = request.string("target"), target != services.nodeName {
            throw APIError.parameter("target", "cloning to node '\(target)' is not supported by Faro yet - only to '\(services.nodeName)'")
        }
        let pool = request.string("pool")
        if let pool, try await services.access.configuration().pools[pool] == nil {
            throw APIError.parameter("pool", "pool '\(pool)' does not exist")
        }
        var clone = try VMCloneRequest(newid: vmid(request, "newid"))
        clone.name = request.string("name")
        clone.description = request.string("description")
        clone.full = request.bool("full")
        clone.storage = request.string("storage")
        clone.format = request.string("format")
        clone.snapname = request.string("snapname")
        clone.bwlimit = request.int("bwlimit")
        let vms = services.vms
        let plan = try await vms.prepareClone(id, clone)
        do {
            for storage in plan.targetStorages {
                try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
            }
            let upid = try await services.tasks.start(type: "qmclone", id: "\(id)", user: request.identity.user.description) { log in
                try await vms.runClone(plan) { log.log($0) }
                if let pool {
                    try await services.access.updateConfig { access in access.pools[pool]?.vms.insert(plan.newid) }
                }
            }
            return .json(.string(upid.description))
        } catch {
            await vms.abandonClone(plan)
            throw error
        }
    }
}
