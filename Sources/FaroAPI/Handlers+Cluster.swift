import FaroAPISpec
import FaroConfig
import FaroModel
import FaroStore
import FaroSupport

extension Handlers {
    static func registerCluster(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/cluster/status") { _ in .json(.array(try await clusterStatus(services))) }
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
        table.on(.get, "/cluster/tasks") { request in .json(.array(await clusterTasks(services, request.identity))) }
    }

    /// Proxmox's shape: without a cluster (no `corosync.conf`) only this node, with node id 0;
    /// in one, the cluster entry and one entry per member with its node id and online state.
    static func clusterStatus(_ services: NodeServices) async throws -> [JSONValue] {
        let me = services.nodeName
        let file = try await services.store.read(StoreLayout.corosyncConfig)
        guard let file, let corosync = try? CorosyncConfig.parse(file.text) else {
            return [
                [
                    "type": "node", "id": .string("node/\(me)"), "name": .string(me), "nodeid": 0,
                    "ip": .string(HostFacts.primaryIPv4()), "local": 1, "online": 1, "level": "",
                ]
            ]
        }
        let published = await services.clusterStatus.published()
        let nodeIDs = Dictionary(corosync.nodes.map { ($0.name, $0.nodeid) }, uniquingKeysWith: { first, _ in first })
        let names = Set(await services.clusterStatus.memberNames()).union(nodeIDs.keys).sorted()
        var entries: [JSONValue] = [
            [
                "type": "cluster", "id": "cluster", "name": .string(corosync.clusterName), "nodes": .int(names.count),
                "version": .int(corosync.configVersion), "quorate": .int(await services.store.isQuorate() ? 1 : 0),
            ]
        ]
        for name in names {
            let status = published[name]
            let local = name == me
            let address = local ? HostFacts.primaryIPv4() : await nodeAddress(services, name, status)
            entries.append([
                "type": "node", "id": .string("node/\(name)"), "name": .string(name), "nodeid": .int(nodeIDs[name] ?? 0),
                "ip": .string(address), "local": .int(local ? 1 : 0), "online": .int(local || status?.isOnline == true ? 1 : 0),
                "level": .string(status?.node["level"]?.stringValue ?? ""),
            ])
        }
        return entries
    }

    /// The address another node published, else the one the directory forwards to.
    static func nodeAddress(_ services: NodeServices, _ name: String, _ status: PublishedNode?) async -> String {
        if let address = status?.node["ip"]?.stringValue, !address.isEmpty { return address }
        return await services.cluster.node(named: name)?.address ?? ""
    }

    /// This node's tasks and the newest tasks every other node published, newest first; a
    /// caller without `Sys.Audit` on a node sees only its own tasks there.
    static func clusterTasks(_ services: NodeServices, _ identity: Identity) async -> [JSONValue] {
        let me = services.nodeName
        let mayAudit = await services.authorizer.has(identity, "Sys.Audit", on: "/nodes/\(me)")
        let records = await services.tasks.list(source: "active") + (await services.tasks.list(source: "archive")).prefix(50)
        var entries = records.filter { mayAudit || isOwner(identity, of: $0.upid) }.map(taskEntry)
        for (node, status) in await services.clusterStatus.published().sorted(by: { $0.key < $1.key }) {
            let mayAuditThere = await services.authorizer.has(identity, "Sys.Audit", on: "/nodes/\(node)")
            entries += status.tasks.filter { entry in
                guard let upid = entry["upid"]?.stringValue.flatMap(UPID.init), upid.node == node else { return false }
                return mayAuditThere || isOwner(identity, of: upid)
            }
        }
        // Running tasks first (as Proxmox lists them), then by start time, newest first.
        return entries.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            let (aRunning, bRunning) = (a["endtime"] == nil, b["endtime"] == nil)
            if aRunning != bRunning { return aRunning }
            let (aStart, bStart) = (a["starttime"]?.intValue ?? 0, b["starttime"]?.intValue ?? 0)
            return aStart != bStart ? aStart > bStart : left.offset < right.offset
        }.map(\.element)
    }

    static func usedVMIDs(_ store: any ConfigStore) async throws -> Set<Int> {
        Set(try await store.keys(prefix: StoreLayout.nodesPrefix).compactMap { StorePath.guestVMID($0.path) })
    }
}
