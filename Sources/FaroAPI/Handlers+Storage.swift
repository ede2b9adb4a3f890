import FaroAPISpec
import FaroConfig
import FaroModel
import FaroSchema
import FaroStorage

extension Handlers {
    static func registerStorage(_ table: inout HandlerTable, _ services: NodeServices) {
        let storage = services.storage
        table.on(.get, "/storage") { request in
            let type = request.string("type")
            var list: [JSONValue] = []
            let (definitions, digest) = try await storage.configuration()
            for definition in definitions where type == nil || definition.type == type {
                guard await canSee(services, request.identity, storage: definition.id) else { continue }
                var entry = definitionJSON(definition)
                entry["digest"] = .string(digest)
                list.append(.object(entry))
            }
            return .json(.array(list))
        }
        table.on(.get, "/storage/{storage}") { request in
            let (definitions, digest) = try await storage.configuration()
            let id = request.required("storage")
            guard let definition = definitions.first(where: { $0.id == id }) else { throw StorageError.noSuchStorage(id) }
            var entry = definitionJSON(definition)
            entry["digest"] = .string(digest)
            return .json(.object(entry))
        }
        table.on(.post, "/storage") { request in
            let id = request.required("storage"), type = request.required("type")
            try await storage.create(id: id, type: type, options: optionTexts(request, skipping: ["storage", "type"]))
            services.logger.info("storage added", metadata: ["storage": "\(id)", "type": "\(type)", "by": "\(request.identity.user)"])
            return .json(["storage": .string(id), "type": .string(type)])
        }
        table.on(.put, "/storage/{storage}") { request in
            let id = request.required("storage")
            let delete = request.string("delete").map(Formats.splitList) ?? []
            try await storage.modify(
                id: id, options: optionTexts(request, skipping: ["storage", "delete", "digest"]), delete: delete,
                digest: request.string("digest"))
            let type = try await storage.definition(id).type
            return .json(["storage": .string(id), "type": .string(type)])
        }
        table.on(.delete, "/storage/{storage}") { request in
            try await storage.remove(id: request.required("storage"))
            return .null
        }
    }

    /// A definition as the API shows it: its options, booleans as 0/1, plus `storage` and `type`.
    static func definitionJSON(_ definition: StorageDefinition) -> [String: JSONValue] {
        var entry: [String: JSONValue] = ["storage": .string(definition.id), "type": .string(definition.type)]
        let flags: Set<String> = ["disable", "shared", "mkdir", "create-base-path", "create-subdirs", "saferemove", "krbd", "nocow"]
        for key in definition.section.keys {
            let value = definition.section.values[key]!
            if flags.contains(key) {
                entry[key] = .int(StorageDefinition.flag(value) ? 1 : 0)
            } else if key == "max-protected-backups", let number = Int(value) {
                entry[key] = .int(number)
            } else {
                entry[key] = .string(value)
            }
        }
        return entry
    }

    /// Request parameters as storage.cfg text values.
    static func optionTexts(_ request: APIRequest, skipping: Set<String>) -> [String: String] {
        var options: [String: String] = [:]
        for (key, value) in request.parameters where !skipping.contains(key) { options[key] = value.displayText }
        return options
    }

    /// Whether the caller may see a storage in lists: 'Datastore.Audit' or 'Datastore.AllocateSpace'.
    static func canSee(_ services: NodeServices, _ identity: Identity, storage: String) async -> Bool {
        let path = "/storage/\(storage)"
        if await services.authorizer.has(identity, "Datastore.Audit", on: path) { return true }
        return await services.authorizer.has(identity, "Datastore.AllocateSpace", on: path)
    }
}
