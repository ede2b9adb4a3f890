import FaroAPISpec
import FaroLXC
import FaroModel

extension Handlers {
    static func registerLXCStatus(_ table: inout HandlerTable, _ services: NodeServices) {
        let containers = services.containers
        table.on(.get, "/nodes/{node}/lxc/{vmid}/status") { request in
            _ = try await containers.read(try vmid(request))
            return .json(.array(["current", "start", "stop", "shutdown", "reboot", "suspend", "resume"].map { .object(["subdir": .string($0)]) }))
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}/status/current") { request in
            .json(await containerStatusJSON(try await containers.status(try vmid(request), hostCPUs: services.host.cpuInfo().cpus), services))
        }
        table.on(.post, "/nodes/{node}/lxc/{vmid}/status/start") { request in
            try await powerTask(services, "vzstart", request) { id, log in try await containers.start(id, log: log) }
        }
        table.on(.post, "/nodes/{node}/lxc/{vmid}/status/stop") { request in
            let overrule = try await ShutdownOverrule(request, services, shutdownType: "vzshutdown", vmid: "\(try vmid(request))")
            return try await powerTask(services, "vzstop", request) { id, log in
                try await overrule.abort(log: log)
                try await containers.stop(id)
            }
        }
        table.on(.post, "/nodes/{node}/lxc/{vmid}/status/shutdown") { request in
            let timeout = request.int("timeout") ?? 60
            let force = request.bool("forceStop") == true
            return try await powerTask(services, "vzshutdown", request) { id, _ in
                try await containers.shutdown(id, timeout: timeout, force: force)
            }
        }
        table.on(.post, "/nodes/{node}/lxc/{vmid}/status/reboot") { request in
            let timeout = request.int("timeout") ?? 60
            return try await powerTask(services, "vzreboot", request) { id, log in
                try await containers.shutdown(id, timeout: timeout, force: true)
                try await containers.start(id, log: log)
            }
        }
    }

    /// A power action as a task; the config must exist when the request arrives.
    static func powerTask(
        _ services: NodeServices, _ type: String, _ request: APIRequest,
        _ action: @escaping @Sendable (VMID, @escaping @Sendable (String) -> Void) async throws -> Void
    ) async throws -> APIResult {
        let id = try vmid(request)
        _ = try await services.containers.read(id)
        let upid = try await services.tasks.start(type: type, id: "\(id)", user: request.identity.user.description) { log in
            try await action(id) { log.log($0) }
        }
        return .json(.string(upid.description))
    }
}
