import FaroAPISpec
import FaroModel

/// Binds every declared method of Faro's API to its handler.
public enum Handlers {
    public static func table(_ services: NodeServices, spec: APISpec = .faro) -> HandlerTable {
        var table = HandlerTable()
        registerRoot(&table, services, spec: spec)
        registerCluster(&table, services)
        registerClusterConfig(&table, services, spec: spec)
        registerClusterOptions(&table, services)
        registerNodes(&table, services)
        registerNodeConfig(&table, services)
        registerNodeSystem(&table, services)
        registerTasks(&table, services)
        registerNetwork(&table, services)
        registerLogin(&table, services, spec: spec)
        registerUsers(&table, services)
        registerTFA(&table, services)
        registerGroupsAndRoles(&table, services)
        registerACL(&table, services)
        registerPools(&table, services)
        registerStorage(&table, services)
        registerNodeStorage(&table, services)
        registerStorageFiles(&table, services)
        registerStoragePrune(&table, services)
        registerQemu(&table, services)
        registerQemuStatus(&table, services)
        registerVZDump(&table, services)
        registerBackupInfo(&table, services)
        registerBackupJobs(&table, services)
        registerQemuSnapshots(&table, services)
        registerQemuConsole(&table, services)
        registerQemuCloudInit(&table, services)
        registerTermproxy(&table, services)
        registerQemuAgent(&table, services)
        registerQemuDisks(&table, services)
        registerLXC(&table, services)
        registerMetrics(&table, services)
        registerMetricServers(&table, services)
        registerNodeSubscription(&table, services)
        return table
    }

    /// Index entries for a directory: its literal children in the method table.
    static func index(_ spec: APISpec, path: String, key: String) -> APIResult {
        guard let node = spec.tree.match(path)?.node else { return .json([]) }
        return .json(.array(node.literals.keys.sorted().map { JSONValue.object([key: .string($0)]) }))
    }

    static func registerRoot(_ table: inout HandlerTable, _ services: NodeServices, spec: APISpec) {
        table.on(.get, "/") { _ in index(spec, path: "/", key: "subdir") }
        table.on(.get, "/version") { _ in
            // Proxmox's datacenter `console` choice; `applet` is an old name for html5.
            let console = try await services.consoleViewer.value(services.store) {
                try await datacenterConfig(services.store).1.options["console"].map { $0 == "applet" ? "html5" : $0 }
            }
            return .json([
                "version": .string(FaroVersion.compatibleVersion), "release": .string(FaroVersion.compatibleRelease),
                "repoid": .string(FaroVersion.repoID), "console": .string(console ?? "html5"), "faro": .string(FaroVersion.faro),
            ])
        }
        table.on(.get, "/cluster") { _ in index(spec, path: "/cluster", key: "name") }
        table.on(.get, "/nodes/{node}") { _ in index(spec, path: "/nodes/x", key: "name") }
        table.on(.get, "/nodes/{node}/tasks/{upid}") { _ in .json([["name": "log"], ["name": "status"]]) }
    }
}
