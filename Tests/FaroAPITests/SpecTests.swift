import FaroAPI
import FaroAPISpec
import FaroModel
import FaroSchema
import Testing

/// The method table itself: every declared method is complete and bound to a handler.
@Suite struct SpecTests {
    @Test func everyMethodHasAHandlerAPermissionAndADescription() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let handlers = Handlers.table(node.services)
        for method in APISpec.faro.methods {
            #expect(handlers.handler(for: method) != nil, "\(method.id) has no handler")
            #expect(!method.description.isEmpty, "\(method.id) has no description")
            #expect(!method.permissions.summary.isEmpty, "\(method.id) has no permission summary")
        }
        #expect(handlers.handlers.count == APISpec.faro.methods.count, "a handler is bound to an undeclared method")
    }

    @Test func pathVariablesAreDeclaredParameters() {
        for method in APISpec.faro.methods {
            let properties = method.parameters.properties ?? [:]
            for variable in method.pathVariables {
                #expect(properties[variable] != nil, "\(method.id) does not declare {\(variable)}")
                // Proxmox itself marks `storage` optional on `.../content/{volume}` (the volume id
                // names it); every other path variable is required.
                let optionalInPVE = variable == "storage" && method.path.hasSuffix("/content/{volume}")
                #expect(properties[variable]?.isOptional == optionalInPVE, "\(method.id) gets {\(variable)}'s required-ness wrong")
            }
            if case .check(let check, _) = method.permissions {
                for name in Self.templateParameters(check) {
                    #expect(properties[name] != nil, "\(method.id) checks a path with undeclared {\(name)}")
                }
            }
            if let proxy = method.proxyTo { #expect(properties[proxy] != nil, "\(method.id) proxies on undeclared \(proxy)") }
        }
    }

    @Test func everyFormatIsKnown() {
        func visit(_ schema: Schema, _ where_: String) {
            switch schema.format {
            case .named(let name): #expect(Formats.isKnown(name), "\(where_): unknown format \(name)")
            case .propertyString(let keys): for (key, sub) in keys { visit(sub, where_ + "." + key) }
            case nil: break
            }
            for (key, sub) in schema.properties ?? [:] { visit(sub, where_ + "." + key) }
            if let items = schema.items { visit(items, where_ + "[]") }
        }
        for method in APISpec.faro.methods {
            visit(method.parameters, method.id)
            visit(method.returns, method.id + " returns")
        }
    }

    static func templateParameters(_ check: PermissionCheck) -> [String] {
        switch check {
        case .privileges(let path, _, _, let requireParam):
            let names = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment in
                String(segment.dropFirst().dropLast().split(separator: ":").last!)
            }
            return names + (requireParam.map { [$0] } ?? [])
        case .and(let checks), .or(let checks): return checks.flatMap(templateParameters)
        case .selfUser(let param), .userInGroupWith(let param, _), .permissionsModify(let param): return [param]
        }
    }

    @Test func openAPIDocumentDescribesEveryMethod() {
        let document = APISpec.faro.openAPIDocument()
        let paths = document["paths"]?.objectValue ?? [:]
        for method in APISpec.faro.methods {
            let path = "/api2/json" + (method.path == "/" ? "" : method.path)
            let operation = paths[path]?[method.verb.rawValue.lowercased()]
            #expect(operation != nil, "\(method.id) missing from OpenAPI")
            #expect(operation?["x-pve-permissions"] != nil)
        }
        let nextid = paths["/api2/json/cluster/nextid"]?["get"]?["parameters"]?.arrayValue?.first
        #expect(nextid?["name"] == "vmid")
        #expect(nextid?["required"] == false)
    }

    @Test func methodsMatchTheProxmoxSchema() throws {
        // Path, verb and parameter names with required-ness, from the Proxmox schema dump.
        let expected: [String: [String: Bool]] = [
            "GET /cluster/nextid": ["vmid": false],
            "GET /cluster/resources": ["type": false],
            "GET /nodes/{node}/tasks": [
                "node": true, "start": false, "limit": false, "userfilter": false, "typefilter": false, "vmid": false,
                "since": false, "until": false, "errors": false, "source": false, "statusfilter": false,
            ],
            "GET /nodes/{node}/tasks/{upid}/log": ["node": true, "upid": true, "start": false, "limit": false, "download": false],
            "GET /nodes/{node}/tasks/{upid}/status": ["node": true, "upid": true],
            "DELETE /nodes/{node}/tasks/{upid}": ["node": true, "upid": true],
            "GET /nodes/{node}/status": ["node": true],
            "GET /nodes/{node}/time": ["node": true],
            "PUT /nodes/{node}/time": ["node": true, "timezone": true],
            "GET /nodes/{node}/dns": ["node": true],
            "PUT /nodes/{node}/dns": ["node": true, "search": true, "dns1": false, "dns2": false, "dns3": false],
            "GET /nodes/{node}/hosts": ["node": true],
            "POST /nodes/{node}/hosts": ["node": true, "data": true, "digest": false],
            "GET /nodes/{node}/syslog": ["node": true, "start": false, "limit": false, "since": false, "until": false, "service": false],
            "GET /cluster/options": [:],
            "PUT /cluster/options": Dictionary(uniqueKeysWithValues: [
                "bwlimit", "consent-text", "console", "crs", "delete", "description", "email_from", "fencing", "ha", "http_proxy",
                "keyboard", "language", "mac_prefix", "max_workers", "migration", "migration_unsecure", "next-id", "notify",
                "registered-tags", "replication", "tag-style", "u2f", "user-tag-access", "webauthn",
            ].map { ($0, false) }),
            "GET /version": [:], "GET /nodes": [:], "GET /cluster/status": [:], "GET /cluster/tasks": [:],
        ]
        for (id, parameters) in expected {
            let method = APISpec.faro.methods.first { $0.id == id }
            #expect(method != nil, "\(id) is not declared")
            let declared = (method?.parameters.properties ?? [:]).mapValues { !$0.isOptional }
            #expect(declared == parameters, "\(id) parameters differ")
        }
    }
}
