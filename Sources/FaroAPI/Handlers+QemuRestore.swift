import FaroGuestSchema
import FaroModel
import FaroStorage
import FaroSupport
import FaroVZDump

extension Handlers {
    /// `POST /nodes/{node}/qemu` with `archive`: a `qmrestore` task.
    static func restoreVM(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let vmid = try vmid(request)
        let overrides = configOptions(request)
        if let disk = overrides.keys.sorted().first(where: { VMOptions.splitIndexed($0).map { VMOptions.driveBuses.contains($0.0) } ?? false || $0 == "efidisk0" }) {
            throw APIError.parameter(disk, "option conflicts with 'archive'")
        }
        // Overwriting an existing VM also needs the right to back it up (Proxmox asks only for
        // that; the method's declared check already asked for VM.Allocate).
        let force = request.bool("force") ?? false
        try await requirePrivilege(services, request.identity, "VM.Allocate", on: "/vms/\(vmid)")
        if force, try await services.vms.list().contains(vmid) {
            try await requirePrivilege(services, request.identity, "VM.Backup", on: "/vms/\(vmid)")
        }
        let path = try await backupPath(request.required("archive"), request, services)
        let pool = request.string("pool")
        if let pool, try await services.access.configuration().pools[pool] == nil {
            throw APIError.parameter("pool", "pool '\(pool)' does not exist")
        }
        if let storage = request.string("storage") {
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
        }
        var restore = VMRestore.Request(vmid: vmid, archive: path)
        restore.storage = request.string("storage")
        restore.unique = request.bool("unique") ?? false
        restore.force = force
        restore.overrides = overrides
        let restorer = VMRestore(vms: services.vms, storage: services.storage, runner: services.runner)
        let plan = try await restorer.prepare(restore)
        for target in Set(plan.mappings.map(\.storage)) {
            do { try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(target)") } catch {
                await restorer.abandon(plan, vmid: vmid)
                throw error
            }
        }
        let start = request.bool("start") ?? false
        let vms = services.vms, prepared = restore
        let upid = try await services.tasks.start(type: "qmrestore", id: "\(vmid)", user: request.identity.user.description) { log in
            try await restorer.restore(prepared, plan: plan) { log.log($0) }
            if let pool { try await services.access.updateConfig { access in access.pools[pool]?.vms.insert(vmid) } }
            if start { try await vms.start(vmid, skiplock: false) { log.log($0) } }
        }
        return .json(.string(upid.description))
    }

    /// The file behind `archive`: a backup volume the caller may read, or (root only) a path.
    static func backupPath(_ archive: String, _ request: APIRequest, _ services: NodeServices) async throws -> String {
        if archive.hasPrefix("/") {
            guard request.identity.isSuperuser else { throw APIError.parameter("archive", "only root may restore from a path") }
            return archive
        }
        let volume: VolumeID
        do { volume = try VolumeID(parsing: archive) } catch { throw APIError.parameter("archive", "\(error)") }
        guard volume.name.hasPrefix("backup/"), let info = BackupArchive(fileName: String(volume.name.dropFirst("backup/".count))) else {
            throw APIError.parameter("archive", "'\(archive)' is not a backup archive")
        }
        if !(await services.authorizer.has(request.identity, "Datastore.Allocate", on: "/storage/\(volume.storage)")) {
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(volume.storage)")
            try await requirePrivilege(services, request.identity, "VM.Backup", on: info.vmid.map { "/vms/\($0)" } ?? "/vms")
        }
        let path = try await services.storage.plugin(volume.storage).path(volume.name)
        guard FileIO.exists(path) else { throw APIError.parameter("archive", "volume '\(archive)' does not exist") }
        return path
    }
}
