import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSchema
import Foundation

extension Handlers {
    static func registerUsers(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/users") { request in
            let config = try await access.configuration()
            let realms = try await access.realms().realms
            var list: [JSONValue] = []
            for id in config.users.keys.sorted() {
                let user = config.users[id]!
                if let enabled = request.bool("enabled"), enabled != user.enable { continue }
                guard let userID = UserID(id), try await mayAudit(userID, request.identity, services) else { continue }
                var entry = userFields(user)
                entry["userid"] = .string(id)
                entry["realm-type"] = .string(realms.first { $0.id == userID.realm }?.type ?? userID.realm)
                if request.bool("full") == true {
                    entry["groups"] = .string(config.groups(of: id).joined(separator: ","))
                    entry["tokens"] = .array(user.tokens.keys.sorted().map { name in
                        .object(tokenFields(user.tokens[name]!).merging(["tokenid": .string(name)]) { $1 })
                    })
                }
                list.append(.object(entry))
            }
            return .json(.array(list))
        }
        table.on(.post, "/access/users") { request in
            let id = try userParameter(request)
            let realms = try await access.realms().realms
            guard realms.contains(where: { $0.id == id.realm }) else { throw APIError.failed("no such realm '\(id.realm)'") }
            if request.string("password") != nil, id.realm != "pve" {
                throw APIError.parameter("password", "passwords can only be set for users of the pve realm")
            }
            let groups = request.string("groups").map(Formats.splitList) ?? []
            try await access.updateConfig { config in
                guard config.users[id.description] == nil else {
                    throw APIError.failed("create user failed: user '\(id)' already exists")
                }
                try checkGroups(groups, in: config)
                var user = UserConfig.User()
                applyUserFields(request, to: &user)
                config.users[id.description] = user
                for group in groups { config.groups[group]?.users.insert(id.description) }
            }
            if let password = request.string("password") { try await access.setPassword(id, password) }
            return .null
        }
        table.on(.get, "/access/users/{userid}") { request in
            let id = try userParameter(request)
            let config = try await access.configuration()
            guard let user = config.users[id.description] else { throw APIError.failed("no such user ('\(id)')") }
            var entry = userFields(user)
            entry["groups"] = .array(config.groups(of: id.description).map(JSONValue.string))
            entry["tokens"] = .object(user.tokens.mapValues { .object(tokenFields($0)) })
            return .json(.object(entry))
        }
        table.on(.put, "/access/users/{userid}") { request in
            let id = try userParameter(request)
            let groups = request.string("groups").map(Formats.splitList)
            let append = request.bool("append") ?? false
            try await access.updateConfig { config in
                guard var user = config.users[id.description] else { throw APIError.failed("no such user ('\(id)')") }
                applyUserFields(request, to: &user)
                config.users[id.description] = user
                if let groups {
                    try checkGroups(groups, in: config)
                    if !append { for name in config.groups.keys { config.groups[name]?.users.remove(id.description) } }
                    for group in groups { config.groups[group]?.users.insert(id.description) }
                }
            }
            return .null
        }
        table.on(.delete, "/access/users/{userid}") { request in
            let id = try userParameter(request)
            guard !id.isRoot else { throw APIError.failed("can't delete user 'root@pam'") }
            try await access.updateConfig { config in
                guard config.users[id.description] != nil else { throw APIError.failed("no such user ('\(id)')") }
                config.removeUser(id.description)
            }
            try await access.removeSecrets(of: id)
            return .null
        }
        registerTokens(&table, services)
    }

    static func mayAudit(_ user: UserID, _ identity: Identity, _ services: NodeServices) async throws -> Bool {
        if identity.isSuperuser || user == identity.user.user { return true }
        let privileges = ["User.Modify", "Sys.Audit"]
        let onAll = await services.authorizer.privileges(of: identity, on: "/access/groups")
        if privileges.contains(where: onAll.contains) { return true }
        for group in await services.authorizer.groups(of: user) {
            let held = await services.authorizer.privileges(of: identity, on: "/access/groups/\(group)")
            if privileges.contains(where: held.contains) { return true }
        }
        return false
    }

    static func checkGroups(_ groups: [String], in config: UserConfig) throws {
        for group in groups where config.groups[group] == nil { throw APIError.failed("no such group '\(group)'") }
    }

    static func userFields(_ user: UserConfig.User) -> [String: JSONValue] {
        var entry: [String: JSONValue] = ["enable": .int(user.enable ? 1 : 0), "expire": .int(user.expire)]
        for (key, value) in [("firstname", user.firstname), ("lastname", user.lastname), ("email", user.email),
            ("comment", user.comment), ("keys", user.keys)] where !value.isEmpty
        {
            entry[key] = .string(value)
        }
        return entry
    }

    static func applyUserFields(_ request: APIRequest, to user: inout UserConfig.User) {
        if let enable = request.bool("enable") { user.enable = enable }
        if let expire = request.int("expire") { user.expire = expire }
        if let value = request.string("firstname") { user.firstname = value }
        if let value = request.string("lastname") { user.lastname = value }
        if let value = request.string("email") { user.email = value }
        if let value = request.string("comment") { user.comment = value }
        if let value = request.string("keys") { user.keys = value }
    }

    static func tokenFields(_ token: UserConfig.Token) -> [String: JSONValue] {
        var entry: [String: JSONValue] = ["expire": .int(token.expire), "privsep": .int(token.privsep ? 1 : 0)]
        if !token.comment.isEmpty { entry["comment"] = .string(token.comment) }
        return entry
    }
}
