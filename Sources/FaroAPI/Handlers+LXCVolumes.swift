import FaroAPISpec
import FaroLXC
import FaroModel

/// Templates, clones, resize, volume moves, host mounts and the freezer of containers. Checks
/// run before a task starts, so bad input is answered at once and changes nothing.
extension Handlers {
    static func registerLXCVolumes(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        let ct = "/nodes/{node}/lxc/{vmid}"
        table.on(.post, ct + "/template") { request in
            let id = try vmid(request)
            try await containers.convertToTemplate(id) { _ in }
            return .null
        }
        table.on(.post, ct + "/clone") { request in try await cloneContainer(request, services) }
        table.on(.put, ct + "/resize") { request in
            let disk = request.required("disk"), size = request.required("size"), digest = request.string("digest")
            return try await powerTask(services, "resize", request) { id, log in
                try await containers.resize(id, disk: disk, size: size, digest: digest, log: log)
            }
        }
        table.on(.post, ct + "/move_volume") { request in try await moveContainerVolume(request, services) }
        table.on(.post, ct + "/mount") { request in
            let rootfs = try await containers.mountOnHost(try vmid(request))
            return .json(.string(rootfs))
        }
        table.on(.post, ct + "/unmount") { request in
            try await containers.unmountFromHost(try vmid(request))
            return .null
        }
        table.on(.post, ct + "/status/suspend") { request in
            try await powerTask(services, "vzsuspend", request) { id, _ in try await containers.suspend(id) }
        }
        table.on(.post, ct + "/status/resume") { request in
            try await powerTask(services, "vzresume", request) { id, _ in try await containers.resume(id) }
        }
    }

    /// `POST .../clone`: `target` may only name this node; `pool` must exist and gets the
    /// clone (the method's permission check covers `VM.Allocate` there); every storage the
    /// clone allocates on needs `Datastore.AllocateSpace`. `bwlimit` is accepted; copies run unthrottled.
    static func cloneContainer(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        if let target = request.string("target"), target != services.nodeName, target != "localhost" {
            throw APIError.parameter("target", "no such cluster node '\(target)'")
        }
        let pool = request.string("pool")
        if let pool, try await services.access.configuration().pools[pool] == nil {
            throw APIError.parameter("pool", "pool '\(pool)' does not exist")
        }
        let clone = ContainerClone(
            source: try vmid(request), target: try vmid(request, "newid"), full: request.bool("full"),
            hostname: request.string("hostname"), description: request.string("description"), storage: request.string("storage"),
            snapname: request.string("snapname"))
        let containers = services.containers
        let (source, _) = try await containers.checkClone(clone)
        for storage in try containers.cloneStorages(clone, source: source).sorted() {
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
        }
        let upid = try await services.tasks.start(type: "vzclone", id: "\(clone.source)", user: request.identity.user.description) { log in
            try await containers.clone(clone) { log.log($0) }
            if let pool {
                try await services.access.updateConfig { access in access.pools[pool]?.vms.insert(clone.target) }
            }
        }
        return .json(.string(upid.description))
    }

    /// `POST .../move_volume`: to another storage (`storage`), or to another container of this
    /// node (`target-vmid`, optionally `target-volume`), never both.
    static func moveContainerVolume(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let containers = services.containers, id = try vmid(request)
        let key = request.required("volume"), delete = request.bool("delete") == true, digest = request.string("digest")
        let storage = request.string("storage"), targetVMID = request.int("target-vmid").flatMap { VMID($0) }
        if storage != nil && targetVMID != nil { throw APIError.failed("either set storage or target-vmid, but not both") }
        if let targetVMID {
            if !request.identity.isSuperuser { try await requirePrivilege(services, request.identity, "VM.Config.Disk", on: "/vms/\(targetVMID)") }
            guard targetVMID != id else {
                throw APIError.parameter("target-vmid", "must be different than source VMID to move disk to another container")
            }
            let move = VolumeReassignment(
                source: id, key: key, target: targetVMID, targetKey: request.string("target-volume"), digest: digest,
                targetDigest: request.string("target-digest"))
            try await containers.checkReassignment(move)
            let upid = try await services.tasks.start(
                type: "move_volume", id: "\(id)-\(key)>\(targetVMID)-\(move.targetKey)", user: request.identity.user.description
            ) { log in try await containers.reassignVolume(move) { log.log($0) } }
            return .json(.string(upid.description))
        }
        guard let storage else {
            throw APIError.failed("Provide either a 'storage' to move the mount point to a different storage or 'target-vmid' and "
                + "'target-volume' to move the mount point to another container")
        }
        guard key == "rootfs" || key.hasPrefix("mp") else {
            throw APIError.parameter("volume", "moving '\(key)' to another storage is not supported by Faro yet")
        }
        try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
        return try await powerTask(services, "move_volume", request) { id, log in
            try await containers.moveVolume(id, key: key, storage: storage, delete: delete, digest: digest, log: log)
        }
    }
}
