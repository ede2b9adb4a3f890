import FaroAPISpec
import FaroModel
import FaroSchema
import FaroStorage

extension Handlers {
    static func registerNodeStorage(_ table: inout HandlerTable, _ services: NodeServices) {
        let storage = services.storage
        table.on(.get, "/nodes/{node}/storage") { request in
            let wanted = try request.string("content").map { try ContentType.parseList($0).get() }
            var list: [JSONValue] = []
            for definition in try await storage.configuration().definitions {
                guard definition.isAvailable(on: services.nodeName),
                    request.string("storage") == nil || request.string("storage") == definition.id,
                    !(request.bool("enabled") == true && definition.isDisabled),
                    await canSee(services, request.identity, storage: definition.id)
                else { continue }
                let content = storage.content(of: definition)
                if let wanted, content.isDisjoint(with: wanted) { continue }
                if let target = request.string("target"), target != services.nodeName, !definition.isShared { continue }
                var entry = try await statusJSON(storage, definition)
                if request.bool("format") == true, let type = storage.types[definition.type] {
                    entry["format"] = [
                        .object(Dictionary(uniqueKeysWithValues: type.formats.map { ($0.rawValue, JSONValue.int(1)) })),
                        .string(definition["format"] ?? type.defaultFormat.rawValue),
                    ]
                }
                list.append(.object(entry))
            }
            return .json(.array(list))
        }
        table.on(.get, "/nodes/{node}/storage/{storage}") { _ in
            .json(.array(["content", "download-url", "prunebackups", "status", "upload"].map { .object(["subdir": .string($0)]) }))
        }
        table.on(.get, "/nodes/{node}/storage/{storage}/status") { request in
            let definition = try await storage.definition(request.required("storage"))
            guard definition.isAvailable(on: services.nodeName) else {
                throw StorageError.notAvailableOnNode(storage: definition.id, node: services.nodeName)
            }
            return .json(.object(try await statusJSON(storage, definition)))
        }
        registerStorageContent(&table, services)
    }

    /// One row of the node's storage list: definition facts plus live space figures.
    static func statusJSON(_ storage: StorageService, _ definition: StorageDefinition) async throws -> [String: JSONValue] {
        var entry: [String: JSONValue] = [
            "storage": .string(definition.id), "type": .string(definition.type),
            "content": .string(ContentType.listText(storage.content(of: definition))),
            "enabled": .int(definition.isDisabled ? 0 : 1), "shared": .int(definition.isShared ? 1 : 0), "active": 0,
        ]
        guard !definition.isDisabled, let plugin = try? storage.plugin(for: definition),
            let status = try? await plugin.status(), status.active
        else { return entry }
        entry["active"] = 1
        entry["total"] = .int(Int(status.total))
        entry["used"] = .int(Int(status.used))
        entry["avail"] = .int(Int(status.available))
        entry["used_fraction"] = .double(status.total == 0 ? 0 : Double(status.used) / Double(status.total))
        return entry
    }
}
