import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSchema
import Foundation

extension Handlers {
    static func registerTokens(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/users/{userid}/token") { request in
            let id = try userParameter(request)
            guard let user = try await access.configuration().users[id.description] else {
                throw APIError.failed("no such user ('\(id)')")
            }
            return .json(.array(user.tokens.keys.sorted().map { name in
                .object(tokenFields(user.tokens[name]!).merging(["tokenid": .string(name)]) { $1 })
            }))
        }
        table.on(.get, "/access/users/{userid}/token/{tokenid}") { request in
            let (id, name) = try tokenParameters(request)
            guard let token = try await access.configuration().users[id.description]?.tokens[name] else {
                throw APIError.failed("no such token '\(name)' for user '\(id)'")
            }
            return .json(.object(tokenFields(token)))
        }
        table.on(.post, "/access/users/{userid}/token/{tokenid}") { request in
            let (id, name) = try tokenParameters(request)
            let fullID = UserID(name: id.name, realm: id.realm, token: name)
            let info = try await access.updateConfig { config -> UserConfig.Token in
                guard let user = config.users[id.description] else { throw APIError.failed("no such user ('\(id)')") }
                guard user.tokens[name] == nil else { throw APIError.failed("Token already exists.") }
                let info = UserConfig.Token(
                    expire: request.int("expire") ?? user.expire, privsep: request.bool("privsep") ?? true,
                    comment: request.string("comment") ?? "")
                config.users[id.description]?.tokens[name] = info
                return info
            }
            let secret = UUID().uuidString.lowercased()
            try await access.setTokenSecret(fullID, secret)
            services.logger.info("API token created", metadata: ["token": "\(fullID)", "by": "\(request.identity.user)"])
            return .json([
                "full-tokenid": .string(fullID.description), "value": .string(secret),
                "info": .object(tokenFields(info)),
            ])
        }
        table.on(.put, "/access/users/{userid}/token/{tokenid}") { request in
            let (id, name) = try tokenParameters(request)
            let reset = Set(request.string("delete").map(Formats.splitList) ?? [])
            let info = try await access.updateConfig { config -> UserConfig.Token in
                guard var token = config.users[id.description]?.tokens[name] else {
                    throw APIError.failed("no such token '\(name)' for user '\(id)'")
                }
                if reset.contains("comment") { token.comment = "" }
                if reset.contains("expire") { token.expire = 0 }
                if reset.contains("privsep") { token.privsep = true }
                if let comment = request.string("comment") { token.comment = comment }
                if let expire = request.int("expire") { token.expire = expire }
                if let privsep = request.bool("privsep") { token.privsep = privsep }
                config.users[id.description]?.tokens[name] = token
                return token
            }
            return .json(.object(tokenFields(info)))
        }
        table.on(.delete, "/access/users/{userid}/token/{tokenid}") { request in
            let (id, name) = try tokenParameters(request)
            let fullID = UserID(name: id.name, realm: id.realm, token: name)
            try await access.updateConfig { config in
                guard config.users[id.description]?.tokens[name] != nil else {
                    throw APIError.failed("no such token '\(name)' for user '\(id)'")
                }
                config.removeToken(fullID.description)
            }
            try await access.setTokenSecret(fullID, nil)
            return .null
        }
    }

    static func tokenParameters(_ request: APIRequest) throws -> (UserID, String) {
        (try userParameter(request), request.required("tokenid"))
    }
}
