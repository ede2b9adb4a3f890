import FaroLXC
import FaroModel
import FaroVZDump

extension Handlers {
    /// `restore=1`: the creation comes from the backup in `ostemplate` (`pct restore`).
    static func restoreCreation(_ request: APIRequest, _ services: NodeServices) async throws -> ContainerCreation {
        let path = try await backupPath(request.required("ostemplate"), request, services)
        guard path.contains(".tar") || path.hasSuffix(".tgz") else {
            throw APIError.parameter("ostemplate", "'\(request.required("ostemplate"))' is not a container backup")
        }
        let storage = request.string("storage") ?? "local"
        try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
        do {
            return try await ContainerRestore.creation(
                vmid: try vmid(request), archive: path, storage: storage, options: configOptions(request),
                unique: request.bool("unique") ?? false, ignoreUnpackErrors: request.bool("ignore-unpack-errors") ?? false,
                runner: services.runner)
        } catch let error as VZDumpError {
            throw APIError.parameter("ostemplate", error.description)
        }
    }
}
