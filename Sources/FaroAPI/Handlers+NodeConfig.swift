import FaroAPISpec
import FaroConfig
import FaroModel
import FaroSchema
import FaroStore

extension Handlers {
    /// `nodes/<node>/config` in the store: the notes as leading `#` lines, then `key: value`
    /// settings, the same layout as a guest config.
    static func registerNodeConfig(_ table: inout HandlerTable, _ services: NodeServices) {
        let path = StoreLayout.nodeConfig(services.nodeName)
        table.on(.get, "/nodes/{node}/config") { request in
            let file = try await services.store.read(path)
            let config = try parseNodeConfig(file?.text ?? "", path: path)
            var result: [String: JSONValue] = config.main.options.mapValues { value in
                Int(value).map(JSONValue.int) ?? .string(value)
            }
            if let description = config.main.description { result["description"] = .string(description) }
            if let property = request.string("property"), property != "all" {
                return .json(.object(result[property].map { [property: $0] } ?? [:]))
            }
            if let file { result["digest"] = .string(file.digest) }
            return .json(.object(result))
        }
        table.on(.put, "/nodes/{node}/config") { request in
            let file = try await services.store.read(path)
            if let digest = request.string("digest"), digest != file?.digest {
                throw APIError.failed("detected modified configuration - file changed by other user? Try again.")
            }
            var config = try parseNodeConfig(file?.text ?? "", path: path)
            let deletions = request.string("delete").map(Formats.splitList) ?? []
            // The settings are the declared parameters, less the ones that steer the change.
            let settable = Set((request.method.parameters.properties ?? [:]).keys).subtracting(["node", "delete", "digest"])
            var errors: [String: String] = [:]
            for key in deletions where !settable.contains(key) { errors[key] = "unknown setting" }
            for key in deletions where request.parameters[key] != nil { errors[key] = "cannot set and delete a setting at once" }
            if !errors.isEmpty { throw APIError.parameters(errors) }
            for key in deletions {
                if key == "description" { config.main.description = nil } else { config.main.options.removeValue(forKey: key) }
            }
            for key in settable.sorted() {
                guard let value = request.parameters[key]?.displayText else { continue }
                if key == "description" {
                    config.main.description = value.isEmpty ? nil : value
                } else {
                    config.main.options[key] = value
                }
            }
            try await services.store.write(path, data: Array(config.render().utf8), ifRevision: file?.revision ?? 0)
            return .null
        }
    }

    static func parseNodeConfig(_ text: String, path: String) throws -> GuestConfigFile {
        do {
            return try GuestConfigFile.parse(text)
        } catch {
            throw APIError.failed("unable to parse '\(path)': \(error)")
        }
    }
}
