import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSchema

extension Handlers {
    static func registerGroupsAndRoles(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/groups") { request in
            let config = try await access.configuration()
            var list: [JSONValue] = []
            for id in config.groups.keys.sorted() {
                let held = await services.authorizer.privileges(of: request.identity, on: "/access/groups/\(id)")
                guard request.identity.isSuperuser || !held.isDisjoint(with: ["User.Modify", "Sys.Audit", "Group.Allocate"]) else {
                    continue
                }
                let group = config.groups[id]!
                var entry: [String: JSONValue] = ["groupid": .string(id), "users": .string(group.users.sorted().joined(separator: ","))]
                if !group.comment.isEmpty { entry["comment"] = .string(group.comment) }
                list.append(.object(entry))
            }
            return .json(.array(list))
        }
        table.on(.post, "/access/groups") { request in
            let id = request.required("groupid")
            try await access.updateConfig { config in
                guard config.groups[id] == nil else { throw APIError.failed("group '\(id)' already exists") }
                config.groups[id] = UserConfig.Group(comment: request.string("comment") ?? "")
            }
            return .null
        }
        table.on(.get, "/access/groups/{groupid}") { request in
            let id = request.required("groupid")
            guard let group = try await access.configuration().groups[id] else { throw APIError.failed("group '\(id)' does not exist") }
            var entry: [String: JSONValue] = ["members": .array(group.users.sorted().map(JSONValue.string))]
            if !group.comment.isEmpty { entry["comment"] = .string(group.comment) }
            return .json(.object(entry))
        }
        table.on(.put, "/access/groups/{groupid}") { request in
            let id = request.required("groupid")
            try await access.updateConfig { config in
                guard config.groups[id] != nil else { throw APIError.failed("group '\(id)' does not exist") }
                if let comment = request.string("comment") { config.groups[id]?.comment = comment }
            }
            return .null
        }
        table.on(.delete, "/access/groups/{groupid}") { request in
            let id = request.required("groupid")
            try await access.updateConfig { config in
                guard config.groups[id] != nil else { throw APIError.failed("group '\(id)' does not exist") }
                config.removeGroup(id)
            }
            return .null
        }
        registerRoles(&table, services)
    }

    static func registerRoles(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/roles") { _ in
            let config = try await access.configuration()
            return .json(.array(config.allRoles.keys.sorted().map { role in
                [
                    "roleid": .string(role), "privs": .string(config.allRoles[role]!.sorted().joined(separator: ",")),
                    "special": .int(Privileges.isBuiltin(role) ? 1 : 0),
                ]
            }))
        }
        table.on(.get, "/access/roles/{roleid}") { request in
            let role = request.required("roleid")
            guard let privileges = try await access.configuration().privileges(ofRole: role) else {
                throw APIError.failed("role '\(role)' does not exist")
            }
            return .json(.object(privileges.reduce(into: [:]) { $0[$1] = .int(1) }))
        }
        table.on(.post, "/access/roles") { request in
            let role = request.required("roleid")
            let privileges = try privilegeList(request)
            guard !role.hasPrefix("PVE"), !Privileges.isBuiltin(role) else {
                throw APIError.parameter("roleid", "cannot use reserved role name '\(role)'")
            }
            try await access.updateConfig { config in
                guard config.customRoles[role] == nil else { throw APIError.failed("role '\(role)' already exists") }
                config.customRoles[role] = privileges
            }
            return .null
        }
        table.on(.put, "/access/roles/{roleid}") { request in
            let role = request.required("roleid")
            let privileges = try privilegeList(request)
            let append = request.bool("append") ?? false
            guard !Privileges.isBuiltin(role) else { throw APIError.failed("cannot modify built-in role '\(role)'") }
            try await access.updateConfig { config in
                guard let current = config.customRoles[role] else { throw APIError.failed("role '\(role)' does not exist") }
                config.customRoles[role] = append ? current.union(privileges) : privileges
            }
            return .null
        }
        table.on(.delete, "/access/roles/{roleid}") { request in
            let role = request.required("roleid")
            guard !Privileges.isBuiltin(role) else { throw APIError.failed("cannot delete built-in role '\(role)'") }
            try await access.updateConfig { config in
                guard config.customRoles[role] != nil else { throw APIError.failed("role '\(role)' does not exist") }
                config.removeRole(role)
            }
            return .null
        }
    }

    static func privilegeList(_ request: APIRequest) throws -> Set<String> {
        let privileges = Set(request.string("privs").map(Formats.splitList) ?? [])
        if let unknown = privileges.subtracting(Privileges.all).sorted().first {
            throw APIError.parameter("privs", "invalid privilege name '\(unknown)'")
        }
        return privileges
    }
}
