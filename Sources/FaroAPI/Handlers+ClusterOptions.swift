import FaroAPISpec
import FaroConfig
import FaroModel
import FaroSchema
import FaroStore

extension Handlers {
    /// `datacenter.cfg` in the store, read and changed as a whole under its revision.
    static func registerClusterOptions(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/cluster/options") { request in
            let (_, config) = try await datacenterConfig(services.store)
            let mayAudit = await services.authorizer.has(request.identity, "Sys.Audit", on: "/")
            var result: [String: JSONValue] = [:]
            for key in Set(config.options.keys).union(config.description == nil ? [] : ["description"])
            where mayAudit || APISpec.publicDatacenterOptions.contains(key) {
                result[key] = config.jsonValue(key)
            }
            return .json(.object(result))
        }
        table.on(.put, "/cluster/options") { request in
            let (file, current) = try await datacenterConfig(services.store)
            let config = try changedDatacenterConfig(current, request)
            try await services.store.write(
                StoreLayout.datacenterConfig, data: Array(config.render().utf8), ifRevision: file?.revision ?? 0)
            return .null
        }
    }

    /// The file and what can be read of it: a broken line never takes down the endpoints that
    /// read the datacenter's settings, and the next PUT (a `delete` of anything, as root or
    /// any user with `Sys.Modify`) writes the file without it.
    static func datacenterConfig(_ store: any ConfigStore) async throws -> (StoreFile?, DatacenterConfig) {
        let file = try await store.read(StoreLayout.datacenterConfig)
        return (file, DatacenterConfig.reading(file?.text ?? "").config)
    }

    /// The config with the request's settings and deletions; every problem is a parameter error
    /// and leaves the file as it was.
    static func changedDatacenterConfig(_ current: DatacenterConfig, _ request: APIRequest) throws -> DatacenterConfig {
        var config = current
        let deletions = request.string("delete").map(Formats.splitList) ?? []
        var errors: [String: String] = [:]
        for key in deletions where DatacenterOptions.schemas[key] == nil { errors[key] = "unknown setting" }
        for key in deletions where request.parameters[key] != nil {
            errors[key] = "cannot set and delete a setting at once"
        }
        for key in DatacenterOptions.schemas.keys.sorted() {
            guard let value = request.parameters[key]?.displayText else { continue }
            if key == "description" {
                config.description = value.isEmpty ? nil : value
            } else {
                config.options[key] = value
            }
        }
        for key in deletions where key == "description" { config.description = nil }
        for key in deletions { config.options.removeValue(forKey: key) }
        if request.parameters["next-id"] != nil, config.nextIDRange.isEmpty {
            errors["next-id"] = "lower boundary must be below the upper boundary"
        }
        if !errors.isEmpty { throw APIError.parameters(errors) }
        return config
    }
}
