import FaroMetrics
import FaroModel
import FaroSchema

extension Handlers {
    static func registerMetricServers(_ table: inout HandlerTable, _ services: NodeServices) {
        let servers = services.metrics.metricServers
        table.on(.get, "/cluster/metrics") { _ in .json([["name": "export"], ["name": "server"]]) }
        table.on(.get, "/cluster/metrics/export") { request in
            // One node: only this node's metrics exist, whatever `local-only` says.
            if let list = request.string("node-list"), !Formats.splitList(list).contains(services.nodeName) {
                return .json(["data": []])
            }
            let start = request.int("start-time") ?? 0
            let rounds = request.bool("history") == true ? await services.metrics.recentRounds : [await services.metrics.latestRound()]
            let metrics = rounds.filter { $0.time > start }.flatMap(MetricsExport.metrics)
            return .json([
                "data": .array(metrics.map { metric in
                    .object([
                        "id": .string(metric.id), "metric": .string(metric.metric), "timestamp": .int(metric.timestamp),
                        "type": .string(metric.type), "value": .double(metric.value),
                    ])
                })
            ])
        }
        table.on(.get, "/cluster/metrics/server") { _ in
            .json(.array(try await servers.list().servers.map { server in
                .object([
                    "id": .string(server.id), "type": .string(server.kind.rawValue), "server": .string(server.server),
                    "port": .int(server.port), "disable": .int(server.isDisabled ? 1 : 0),
                ])
            }))
        }
        table.on(.get, "/cluster/metrics/server/{id}") { request in
            let (server, digest) = try await servers.server(request.required("id"))
            var object: [String: JSONValue] = ["id": .string(server.id), "type": .string(server.kind.rawValue), "digest": .string(digest)]
            for (key, value) in server.options {
                object[key] = ["port", "mtu", "timeout", "max-body-size", "disable", "verify-certificate"].contains(key)
                    ? (Int(value).map(JSONValue.int) ?? .string(value)) : .string(value)
            }
            return .json(.object(object))
        }
        table.on(.post, "/cluster/metrics/server/{id}") { request in
            try await servers.create(
                id: request.required("id"), type: request.required("type"), options: optionTexts(request, skipping: ["id", "type"]))
            return .null
        }
        table.on(.put, "/cluster/metrics/server/{id}") { request in
            try await servers.modify(
                id: request.required("id"), options: optionTexts(request, skipping: ["id", "delete", "digest"]),
                delete: request.string("delete").map(Formats.splitList) ?? [], digest: request.string("digest"))
            return .null
        }
        table.on(.delete, "/cluster/metrics/server/{id}") { request in
            try await servers.remove(id: request.required("id"))
            return .null
        }
    }
}

extension Handlers {
    /// The body of `GET /metrics`: the newest round in Prometheus' text format.
    public static func prometheusText(_ services: NodeServices) -> @Sendable () async -> String {
        { MetricsExport.prometheusText(await services.metrics.latestRound()) }
    }
}
