import FaroModel
import FaroSchema

extension APISpec {
    /// The method table as an OpenAPI 3.1 document. GET/DELETE parameters are query
    /// parameters; POST/PUT parameters form a urlencoded or JSON body. Permission, proxy and
    /// token rules travel as `x-pve-*` extensions.
    public func openAPIDocument(serverURL: String = "https://localhost:8006") -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for method in methods {
            let openAPIPath = "/api2/json" + (method.path == "/" ? "" : method.path)
            var entry = paths[openAPIPath]?.objectValue ?? [:]
            entry[method.verb.rawValue.lowercased()] = operation(method)
            paths[openAPIPath] = .object(entry)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Faro API",
                "version": .string(FaroVersion.faro),
                "description": .string(
                    "The REST API of a Faro node, wire-compatible with the Proxmox VE API (release \(FaroVersion.compatibleRelease))."
                ),
            ],
            "servers": [["url": .string(serverURL)]],
            "components": [
                "securitySchemes": [
                    "ticket": ["type": "apiKey", "in": "cookie", "name": "PVEAuthCookie"],
                    "token": [
                        "type": "apiKey", "in": "header", "name": "Authorization",
                        "description": "`PVEAPIToken=<user>@<realm>!<tokenid>=<secret>`",
                    ],
                ]
            ],
            "paths": .object(paths),
        ]
    }

    private func operation(_ method: APIMethod) -> JSONValue {
        let variables = Set(method.pathVariables)
        let properties = method.parameters.properties ?? [:]
        var parameters: [JSONValue] = []
        for name in method.pathVariables {
            let schema = properties[name] ?? .string()
            parameters.append([
                "name": .string(name), "in": "path", "required": true,
                "schema": schema.openAPISchema,
            ])
        }
        var op: [String: JSONValue] = [
            "operationId": .string(operationID(method)),
            "summary": .string(method.description),
            "x-pve-name": .string(method.name),
            "x-pve-permissions": .string(method.permissions.summary),
            "x-pve-protected": .bool(method.isProtected),
            "x-pve-allowtoken": .bool(method.allowToken),
            "responses": [
                "200": method.streamsEvents ? eventStreamResponse(method) : [
                    "description": "Success",
                    "content": [
                        "application/json": [
                            "schema": [
                                "type": "object",
                                "properties": ["data": method.returns.openAPISchema],
                                "required": ["data"],
                            ]
                        ]
                    ],
                ],
                "400": ["description": "Parameter verification failed."],
                "401": ["description": "Authentication failed."],
                "403": ["description": "Permission check failed."],
                "500": ["description": "The operation failed; the reason phrase and `message` say why."],
            ],
        ]
        // Proxmox answers 424 (Failed Dependency) for the cluster configuration of a node that is in no cluster.
        if method.path.hasPrefix("/cluster/config/"), case .object(var responses)? = op["responses"] {
            responses["424"] = ["description": "This node is not in a cluster."]
            op["responses"] = .object(responses)
        }
        if method.permissions.isWorld { op["security"] = [] } else { op["security"] = [["ticket": []], ["token": []]] }
        if let proxyTo = method.proxyTo { op["x-pve-proxyto"] = .string(proxyTo) }
        let other = properties.filter { !variables.contains($0.key) }
        switch method.verb {
        case .get, .delete:
            for (name, schema) in other.sorted(by: { $0.key < $1.key }) {
                var parameter: [String: JSONValue] = [
                    "name": .string(name), "in": "query", "required": .bool(!schema.isOptional),
                    "schema": schema.openAPISchema,
                ]
                if let description = schema.description { parameter["description"] = .string(description) }
                parameters.append(.object(parameter))
            }
        case .post, .put:
            var body = Schema.object(other)
            body.additionalProperties = method.parameters.additionalProperties
            op["requestBody"] = [
                "required": .bool(other.values.contains { !$0.isOptional }),
                "content": [
                    "application/x-www-form-urlencoded": ["schema": body.openAPISchema],
                    "application/json": ["schema": body.openAPISchema],
                ],
            ]
        }
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        return .object(op)
    }

    /// Server-sent events: the body is a stream of `event:`/`id:`/`data:` records; the schema
    /// of each record's JSON data travels in `x-faro-event-data`.
    private func eventStreamResponse(_ method: APIMethod) -> JSONValue {
        [
            "description": "A stream of server-sent events that stays open; each `data:` line is one JSON document.",
            "content": ["text/event-stream": ["schema": ["type": "string"]]],
            "x-faro-event-data": method.returns.openAPISchema,
        ]
    }

    private func operationID(_ method: APIMethod) -> String {
        let words = method.path.split(separator: "/").map { segment -> String in
            let clean = segment.filter { $0.isLetter || $0.isNumber }
            return clean.prefix(1).uppercased() + clean.dropFirst()
        }
        return method.verb.rawValue.lowercased() + (words.isEmpty ? "Root" : words.joined())
    }
}

extension Permissions {
    var isWorld: Bool {
        if case .world = self { return true }
        return false
    }
}
