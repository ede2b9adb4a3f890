import FaroMetrics
import FaroModel

extension Handlers {
    static func registerMetrics(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes/{node}/rrddata") { request in
            try await rrddata(.node(services.nodeName), request, services)
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/rrddata") { request in
            let id = try vmid(request)
            _ = try await services.vms.read(id)
            return try await rrddata(.guest(id.rawValue), request, services)
        }
        table.on(.get, "/nodes/{node}/lxc/{vmid}/rrddata") { request in
            let id = try vmid(request)
            _ = try await services.containers.read(id)
            return try await rrddata(.guest(id.rawValue), request, services)
        }
        table.on(.get, "/nodes/{node}/storage/{storage}/rrddata") { request in
            let storage = request.required("storage")
            _ = try await services.storage.plugin(storage, allowDisabled: true)
            return try await rrddata(.storage(node: services.nodeName, id: storage), request, services)
        }
    }

    /// The points of one series in Proxmox's shape: `time` and each field by name; a point
    /// without data carries only its `time`.
    static func rrddata(_ key: SeriesKey, _ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        guard let frame = TimeFrame(rawValue: request.required("timeframe")), key.kind.frames.contains(frame) else {
            throw APIError.parameter("timeframe", "value '\(request.required("timeframe"))' does not have a value in the enumeration")
        }
        let consolidation = Consolidation(rawValue: request.string("cf") ?? "AVERAGE") ?? .average
        let fields = key.kind.fields
        let points = try await services.metrics.history(key, frame: frame, consolidation: consolidation)
        return .json(
            .array(
                points.map { point in
                    var object: [String: JSONValue] = ["time": .int(point.time)]
                    for (index, value) in (point.values ?? []).enumerated() where value.isFinite {
                        object[fields[index]] = .double(value)
                    }
                    return .object(object)
                }))
    }
}
