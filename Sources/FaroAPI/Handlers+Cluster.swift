import FaroAPISpec
import FaroModel
import FaroStore
import FaroSupport

extension Handlers {
    static func registerCluster(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/cluster/status") { _ in
            .json([
                [
                    "type": "node", "id": .string("node/\(services.nodeName)"), "name": .string(services.nodeName),
                    "nodeid": 0, "ip": .string(HostFacts.primaryIPv4()), "local": 1, "online": 1, "level": "",
                ]
            ])
        }
        table.on(.get, "/cluster/resources") { request in
            try await services.resources.resources(
                type: request.string("type"), identity: request.identity, authorizer: services.authorizer)
        }
        table.on(.get, "/cluster/resources/stream") { request in
            let stream = ResourceStream(
                resources: services.resources, authorizer: services.authorizer,
                identity: request.identity, type: request.string("type"))
            return .events { send in try await stream.run(send: send) }
        }
        table.on(.get, "/cluster/nextid") { request in
            let used = try await usedVMIDs(services.store)
            if let wanted = request.int("vmid") {
                if used.contains(wanted) { throw APIError(status: 400, "VM \(wanted) already exists") }
                return .json(.string(String(wanted)))
            }
            let range = try await datacenterConfig(services.store).1.nextIDRange
            guard let free = range.first(where: { !used.contains($0) }) else {
                throw APIError.failed("unable to get any free VMID in range [\(range.lowerBound), \(range.upperBound)]")
            }
            return .json(.string(String(free)))
        }
        table.on(.get, "/cluster/tasks") { request in
            let mayAudit = await services.authorizer.has(request.identity, "Sys.Audit", on: "/nodes/\(services.nodeName)")
            let records = await services.tasks.list(source: "active")
                + (await services.tasks.list(source: "archive")).prefix(50)
            let visible = records.filter { mayAudit || $0.upid.user.hasPrefix(request.identity.user.user.description) }
            return .json(.array(visible.map(taskEntry)))
        }
    }

    static func usedVMIDs(_ store: any ConfigStore) async throws -> Set<Int> {
        Set(try await store.keys(prefix: StoreLayout.nodesPrefix).compactMap { StorePath.guestVMID($0.path) })
    }
}
