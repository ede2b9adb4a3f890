import FaroAPISpec
import FaroAccess
import FaroModel

extension Handlers {
    static func registerLogin(_ table: inout HandlerTable, _ services: NodeServices, spec: APISpec) {
        table.on(.get, "/access") { _ in index(spec, path: "/access", key: "subdir") }
        table.on(.get, "/access/ticket") { _ in .null }
        table.on(.post, "/access/ticket") { request in try await createTicket(request, services) }
        table.on(.put, "/access/password") { request in
            let target = try userParameter(request)
            if target.isRoot, !request.identity.isSuperuser {
                throw APIError(status: 403, "only root@pam may change the password of root@pam")
            }
            if !request.identity.isSuperuser, target == request.identity.user,
                let confirmation = request.string("confirmation-password"),
                !(await services.access.checkPassword(target, confirmation))
            {
                throw APIError.parameter("confirmation-password", "invalid password")
            }
            guard target.realm == "pve" else {
                throw APIError.failed("changing the password of realm '\(target.realm)' users is not supported")
            }
            guard try await services.access.configuration().users[target.description] != nil else {
                throw APIError.failed("no such user ('\(target)')")
            }
            try await services.access.setPassword(target, request.required("password"))
            services.logger.info("password changed", metadata: ["user": "\(target)", "by": "\(request.identity.user)"])
            return .null
        }
        table.on(.get, "/access/permissions") { request in
            var target = request.identity.user
            if let text = request.string("userid") {
                guard let id = UserID(text) else { throw APIError.parameter("userid", "invalid user or token id") }
                target = id
            }
            let own = target == request.identity.user || (request.identity.user.token == nil && target.user == request.identity.user)
            if !own { try await requirePrivilege(services, request.identity, "Sys.Audit", on: "/access") }
            var map = try await services.access.permissionMap(for: target)
            if let path = request.string("path") {
                let normalized = ACLPath.normalize(path) ?? path
                map = [normalized: try await services.access.privilegesWithPropagation(of: target, on: normalized)]
            }
            return .json(.object(map.mapValues { privileges in .object(privileges.mapValues { .int($0 ? 1 : 0) }) }))
        }
    }

    static func createTicket(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let username = request.required("username")
        do {
            if let path = request.string("path"), let privileges = request.string("privs") {
                // Verify that the ticket in `password` grants `privs` on `path` (used by consoles).
                guard let user = await services.access.verifyTicket(request.required("password")),
                    user.description == username || user.name == username
                else { throw AccessError.authenticationFailure }
                let held = await services.access.privileges(of: user, on: ACLPath.normalize(path) ?? path)
                guard user.isRoot || Set(privileges.split(separator: ",").map(String.init)).isSubset(of: held) else {
                    throw AccessError.authenticationFailure
                }
                return .json(["username": .string(user.description)])
            }
            let result: LoginResult
            if let challenge = request.string("tfa-challenge") {
                result = try await services.access.completeLogin(
                    username: username, realm: request.string("realm"), challengeTicket: challenge,
                    response: request.required("password"))
            } else {
                result = try await services.access.login(
                    username: username, password: request.required("password"), realm: request.string("realm"),
                    otp: request.string("otp"))
            }
            var answer: [String: JSONValue] = [
                "username": .string(result.username), "ticket": .string(result.ticket),
                "CSRFPreventionToken": .string(result.csrfToken),
            ]
            if result.needTFA {
                answer["NeedTFA"] = .int(1)
            } else {
                services.logger.info("successful auth for user '\(result.username)'")
                answer["cap"] = .object(result.capabilities.mapValues { .object($0.mapValues { .int($0 ? 1 : 0) }) })
            }
            return .json(.object(answer))
        } catch let error as AccessError {
            switch error {
            case .authenticationFailure: services.logger.warning("authentication failure; user=\(username)")
            case .authenticationRefused(let reason): services.logger.warning("authentication failure; user=\(username) msg=\(reason)")
            case .invalid: throw error
            }
            try await Task.sleep(for: services.authFailureDelay)
            throw APIError(status: 401, "authentication failure")
        }
    }

    static func userParameter(_ request: APIRequest, _ name: String = "userid") throws -> UserID {
        guard let id = UserID(request.required(name)), id.token == nil else {
            throw APIError.parameter(name, "invalid user id '\(request.required(name))'")
        }
        return id
    }
}
