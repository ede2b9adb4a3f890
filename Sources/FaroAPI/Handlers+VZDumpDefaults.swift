import FaroAPISpec
import FaroModel
import FaroSchema
import FaroStorage
import FaroSupport
import FaroVZDump

extension Handlers {
    /// The node's `vzdump.conf` checked against vzdump's schema: the values as a request
    /// would carry them. A bad line or value is an error naming it, never skipped.
    static func vzdumpConfDefaults(_ services: NodeServices) throws -> [String: JSONValue] {
        guard let text = try FileIO.readTextIfExists(services.paths.vzdumpConf) else { return [:] }
        var given: [String: JSONValue] = [:]
        for (key, value) in try VZDumpConf.parse(text) {
            given[key] = key == "exclude-path" ? .array(value.split(separator: ",").map { .string(String($0)) }) : .string(value)
        }
        let schema = Schema.object(APISpec.vzdumpOptions.filter { !VZDumpConf.notDefaults.contains($0.key) }.mapValues { $0.optional() })
        do {
            let checked = try SchemaValidator.validateParameters(given, schema: schema)
            for key in checked.keys where APISpec.vzdumpRefused.contains(key) {
                throw APIError.failed("vzdump.conf: '\(key)' is not supported by Faro yet")
            }
            return checked
        } catch let error as ParameterErrors {
            let (key, message) = error.errors.sorted { $0.key < $1.key }[0]
            throw APIError.failed("vzdump.conf: \(key): \(message)")
        }
    }

    /// A vzdump call with the node's defaults under the options it gives. `prune-backups`
    /// stays out: its default comes after the storage's (`VZDumpOptions.nodePruneBackups`).
    static func withVZDumpDefaults(_ request: APIRequest, _ defaults: [String: JSONValue]) -> APIRequest {
        var parameters = request.parameters
        let target: Set<String> = ["storage", "dumpdir"]
        let givesTarget = parameters.keys.contains { target.contains($0) }
        for (key, value) in defaults where parameters[key] == nil && key != "prune-backups" {
            if target.contains(key) && givesTarget { continue }
            if key == "pool" && (parameters["vmid"] != nil || parameters["all"] != nil) { continue }
            parameters[key] = value
        }
        return APIRequest(method: request.method, parameters: parameters, identity: request.identity)
    }

    /// `GET /nodes/{node}/vzdump/defaults`: the schema's defaults, the node's `vzdump.conf`
    /// over them, then the storage's backup directory and retention.
    static func vzdumpDefaults(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let conf = try vzdumpConfDefaults(services)
        var result: [String: JSONValue] = [:]
        for (key, schema) in APISpec.vzdumpOptions where !VZDumpConf.notDefaults.contains(key) {
            if let value = schema.defaultValue { result[key] = value }
        }
        result.merge(conf) { _, new in new }
        let storage = request.string("storage") ?? conf["storage"]?.stringValue ?? (conf["dumpdir"] == nil ? "local" : nil)
        if let storage {
            let allowed = await services.authorizer.has(request.identity, "Datastore.Audit", on: "/storage/\(storage)")
            if !allowed { try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)") }
            result["storage"] = .string(storage)
            let plugin = try await services.storage.plugin(storage)
            if let files = plugin as? any FileStorage { result["dumpdir"] = .string(files.layout.directory(.backup)) }
            if let retention = plugin.definition["prune-backups"] { result["prune-backups"] = .string(retention) }
        }
        if case .array(let paths)? = result["exclude-path"] { result["exclude-path"] = .string(paths.map(\.displayText).joined(separator: ",")) }
        for (key, value) in result {
            if case .bool(let flag) = value { result[key] = .int(flag ? 1 : 0) }
        }
        if !(await services.authorizer.has(request.identity, "Sys.Audit", on: "/nodes/\(services.nodeName)")) {
            for key in ["mailto", "tmpdir", "dumpdir", "script", "ionice"] { result[key] = nil }
        }
        if let pool = result["pool"]?.stringValue, !(await services.authorizer.has(request.identity, "Pool.Audit", on: "/pool/\(pool)")) {
            result["pool"] = nil
        }
        return .json(.object(result))
    }
}
