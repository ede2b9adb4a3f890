import FaroAPISpec
import FaroAccess
import FaroModel
import Foundation

/// `/access/tfa`: users' second factors in `tfa.cfg`. Changes by anyone but root@pam need the
/// caller's current password, and only root@pam changes root@pam's factors (as Proxmox).
extension Handlers {
    static func registerTFA(_ table: inout HandlerTable, _ services: NodeServices) {
        let access = services.access
        table.on(.get, "/access/tfa") { request in
            let config = try await access.tfaConfig()
            var result: [JSONValue] = []
            for id in config.userIDs {
                guard let user = UserID(id), try await mayAudit(user, request.identity, services) else { continue }
                result.append(.object(tfaUserListing(id, config[id])))
            }
            return .json(.array(result))
        }
        table.on(.get, "/access/tfa/{userid}") { request in
            let user = try userParameter(request)
            return .json(.array(try await access.tfaConfig()[user.description].allEntries.map { .object($0.entry.info(kind: $0.kind)) }))
        }
        table.on(.get, "/access/tfa/{userid}/{id}") { request in
            let user = try userParameter(request)
            let id = request.required("id")
            guard let found = try await access.tfaConfig()[user.description].allEntries.first(where: { $0.entry.id == id }) else {
                throw APIError(status: 404, "no such tfa entry '\(id)'")
            }
            return .json(.object(found.entry.info(kind: found.kind)))
        }
        table.on(.post, "/access/tfa/{userid}") { request in try await addTFAEntry(request, services) }
        table.on(.put, "/access/tfa/{userid}/{id}") { request in
            let user = try await tfaChangeTarget(request, services)
            let id = request.required("id")
            let description = request.string("description")
            let enable = request.bool("enable")
            try await access.updateTFA { config, _ in
                var data = config[user.description]
                guard let kind = data.allEntries.first(where: { $0.entry.id == id })?.kind, kind != .recovery else {
                    throw APIError(status: 404, "no such tfa entry '\(id)'")
                }
                data.setEntries(kind, data.entries(kind).map { entry in
                    guard entry.id == id else { return entry }
                    var changed = entry
                    if let description { changed.description = description }
                    if let enable { changed.enable = enable }
                    return changed
                })
                config[user.description] = data
            }
            return .null
        }
        table.on(.delete, "/access/tfa/{userid}/{id}") { request in
            let user = try await tfaChangeTarget(request, services)
            let id = request.required("id")
            let remaining = try await access.updateTFA { config, _ in
                var data = config[user.description]
                guard let kind = data.allEntries.first(where: { $0.entry.id == id })?.kind else {
                    throw APIError(status: 404, "no such tfa entry '\(id)'")
                }
                if kind == .recovery {
                    data.recovery = nil
                } else {
                    data.setEntries(kind, data.entries(kind).filter { $0.id != id })
                }
                config[user.description] = data
                return data.allEntries.count
            }
            try await access.markSecondFactors(of: user, present: remaining > 0)
            services.logger.info("TFA entry deleted", metadata: ["user": "\(user)", "by": "\(request.identity.user)"])
            return .null
        }
        table.on(.get, "/access/users/{userid}/tfa") { request in
            let user = try userParameter(request)
            guard let entry = try await access.configuration().users[user.description] else {
                throw APIError.failed("no such user ('\(user)')")
            }
            var result: [String: JSONValue] = [:]
            let realm = try await access.realms().realms.first { $0.id == user.realm }
            if let required = RealmTFA(realm?.options["tfa"]) { result["realm"] = .string(required.type) }
            let data = try await access.tfaConfig()[user.description]
            if request.bool("multiple") == true {
                let kinds = Set(data.allEntries.map(\.kind.rawValue))
                result["types"] = .array(kinds.sorted().map(JSONValue.string))
            } else if !data.entries(.totp).isEmpty || (!entry.keys.isEmpty && !entry.keys.hasPrefix("x")) {
                result["user"] = "oath"
            } else if !data.entries(.u2f).isEmpty {
                result["user"] = "u2f"
            }
            return .json(.object(result))
        }
        table.on(.put, "/access/users/{userid}/unlock-tfa") { request in
            let user = try userParameter(request)
            let wasLocked = try await access.unlockSecondFactors(of: user)
            services.logger.info("TFA unlocked", metadata: ["user": "\(user)", "by": "\(request.identity.user)"])
            return .json(.bool(wasLocked))
        }
    }

    static func tfaUserListing(_ id: String, _ data: TFAUser) -> [String: JSONValue] {
        var listing: [String: JSONValue] = [
            "userid": .string(id), "entries": .array(data.allEntries.map { .object($0.entry.info(kind: $0.kind)) }),
        ]
        if data.totpLocked { listing["totp-locked"] = .bool(true) }
        if let until = data.tfaLockedUntil { listing["tfa-locked-until"] = .int(until) }
        return listing
    }

    /// The user whose factors a write changes, after Proxmox's extra checks: the caller's own
    /// password unless the caller is root@pam, root@pam's factors only by root@pam, and the
    /// user must exist.
    static func tfaChangeTarget(_ request: APIRequest, _ services: NodeServices) async throws -> UserID {
        let user = try userParameter(request)
        let caller = request.identity.user
        if !request.identity.isSuperuser {
            guard user != .root else { throw APIError(status: 403, "Permission check failed (only root@pam may change root@pam's second factors)") }
            guard let password = request.string("password") else {
                throw APIError.parameter("password", "the current password of '\(caller)' is required")
            }
            guard await services.access.checkPassword(caller, password) else {
                throw APIError.parameter("password", "invalid password")
            }
        }
        guard try await services.access.configuration().users[user.description] != nil else {
            throw APIError.failed("no such user ('\(user)')")
        }
        return user
    }
}
