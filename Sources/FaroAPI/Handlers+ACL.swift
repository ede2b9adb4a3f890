import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSchema

extension Handlers {
    static func registerACL(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/acl") { request in
            let config = try await access.configuration()
            var list: [JSONValue] = []
            for path in config.acl.keys.sorted() {
                guard await mayModifyPermissions(request.identity, on: path, services) else { continue }
                for member in config.acl[path]!.keys.sorted() {
                    for (role, propagate) in config.acl[path]![member]!.sorted(by: { $0.key < $1.key }) {
                        list.append([
                            "path": .string(path), "type": .string(member.kind), "ugid": .string(member.id),
                            "roleid": .string(role), "propagate": .int(propagate ? 1 : 0),
                        ])
                    }
                }
            }
            return .json(.array(list))
        }
        table.on(.put, "/access/acl") { request in
            guard let path = ACLPath.normalize(request.required("path")), ACLPath.isValidTarget(path) else {
                throw APIError.parameter("path", "invalid ACL path '\(request.required("path"))'")
            }
            let roles = Formats.splitList(request.required("roles"))
            let users = request.string("users").map(Formats.splitList) ?? []
            let groups = request.string("groups").map(Formats.splitList) ?? []
            let tokens = request.string("tokens").map(Formats.splitList) ?? []
            guard !(users.isEmpty && groups.isEmpty && tokens.isEmpty) else {
                throw APIError.failed("either 'users', 'groups' or 'tokens' is required")
            }
            let delete = request.bool("delete") ?? false
            let config = try await access.configuration()
            for role in roles where config.privileges(ofRole: role) == nil {
                throw APIError.failed("role '\(role)' does not exist")
            }
            // Nobody hands out (or takes away) privileges they do not hold on that path.
            if !request.identity.isSuperuser {
                let held = await services.authorizer.privileges(of: request.identity, on: path)
                for role in roles where !(config.privileges(ofRole: role) ?? []).isSubset(of: held) {
                    throw APIError.permission(path, (config.privileges(ofRole: role) ?? []).subtracting(held).sorted())
                }
            }
            let members = users.map(UserConfig.Member.user) + groups.map(UserConfig.Member.group) + tokens.map(UserConfig.Member.token)
            let propagate = request.bool("propagate") ?? true
            try await access.updateConfig { config in
                for member in members {
                    switch member {
                    case .user(let id) where config.users[id] == nil: throw APIError.failed("user '\(id)' does not exist")
                    case .group(let id) where config.groups[id] == nil: throw APIError.failed("group '\(id)' does not exist")
                    case .token(let id):
                        guard let token = UserID(id), let name = token.token,
                            config.users[token.user.description]?.tokens[name] != nil
                        else { throw APIError.failed("token '\(id)' does not exist") }
                    default: break
                    }
                }
                config.setACL(path: path, members: members, roles: roles, propagate: propagate, delete: delete)
            }
            services.logger.info("ACL changed", metadata: ["path": "\(path)", "by": "\(request.identity.user)"])
            return .null
        }
        table.on(.get, "/access/domains") { _ in
            let realms = try await services.access.realms().realms
            return .json(.array(realms.map { realm in
                var entry: [String: JSONValue] = ["realm": .string(realm.id), "type": .string(realm.type)]
                if let comment = realm.options["comment"] { entry["comment"] = .string(comment) }
                if realm.options["default"] == "1" { entry["default"] = 1 }
                if let tfa = realm.options["tfa"] { entry["tfa"] = .string(tfa) }
                return .object(entry)
            }))
        }
        table.on(.get, "/access/domains/{realm}") { request in
            let id = request.required("realm")
            let (realms, digest) = try await services.access.realms()
            guard let realm = realms.first(where: { $0.id == id }) else { throw APIError.failed("domain '\(id)' does not exist") }
            var entry: [String: JSONValue] = realm.options.mapValues { value in Int(value).map(JSONValue.int) ?? .string(value) }
            entry["type"] = .string(realm.type)
            if let digest { entry["digest"] = .string(digest) }
            return .json(.object(entry))
        }
        table.on(.put, "/access/domains/{realm}") { request in
            var set: [String: String] = [:]
            for key in ["comment", "default", "case-sensitive", "tfa"] {
                guard let value = request.parameters[key] else { continue }
                set[key] = value.boolValue.map { $0 ? "1" : "0" } ?? value.displayText
            }
            try await services.access.updateRealm(
                request.required("realm"), set: set, delete: request.string("delete").map(Formats.splitList) ?? [],
                digest: request.string("digest"))
            return .null
        }
    }

    /// `Permissions.Modify` on the path, or the allocate privilege of its kind.
    static func mayModifyPermissions(_ identity: Identity, on path: String, _ services: NodeServices) async -> Bool {
        await services.authorizer.verify(.permissionsModify(pathParam: "path"), identity: identity, parameters: ["path": .string(path)]) == nil
    }
}
