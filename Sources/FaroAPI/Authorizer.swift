import FaroAPISpec
import FaroAccess
import FaroModel

/// Answers privilege questions for an identity. The method table's checks and the handlers'
/// list filters both ask it.
public protocol Authorizer: Sendable {
    /// The privileges `identity` holds on an ACL path (already normalised).
    func privileges(of identity: Identity, on path: String) async -> Set<String>
    /// The groups a user belongs to (for checks on `/access/groups/<group>`).
    func groups(of user: UserID) async -> [String]
    /// The privileges on each path, in order; for list filters over many objects.
    func privileges(of identity: Identity, onEach paths: [String]) async -> [Set<String>]
}

extension Authorizer {
    public func privileges(of identity: Identity, onEach paths: [String]) async -> [Set<String>] {
        var result: [Set<String>] = []
        for path in paths { result.append(await privileges(of: identity, on: path)) }
        return result
    }

    public func has(_ identity: Identity, _ privilege: String, on path: String) async -> Bool {
        if identity.isSuperuser { return true }
        return await privileges(of: identity, on: path).contains(privilege)
    }

    /// Evaluates a declared check; the failure names the path and privileges like Proxmox.
    public func verify(
        _ check: PermissionCheck, identity: Identity, parameters: [String: JSONValue]
    ) async -> APIError? {
        if identity.isSuperuser { return nil }
        switch check {
        case .privileges(let template, let privileges, let any, let requireParam):
            if let requireParam, parameters[requireParam] == nil {
                return .permission(template, privileges)
            }
            let path = Self.substitute(template, parameters)
            let held = await self.privileges(of: identity, on: path)
            let ok = any ? privileges.contains(where: held.contains) : privileges.allSatisfy(held.contains)
            return ok ? nil : .permission(path, privileges)
        case .and(let checks):
            for check in checks {
                if let failure = await verify(check, identity: identity, parameters: parameters) { return failure }
            }
            return nil
        case .or(let checks):
            var first: APIError?
            for check in checks {
                guard let failure = await verify(check, identity: identity, parameters: parameters) else { return nil }
                first = first ?? failure
            }
            return first ?? APIError(status: 403, "Permission check failed")
        case .selfUser(let param):
            // A token never counts as its user here: it could otherwise manage its user's
            // tokens and password and so escape its privilege separation.
            let target = parameters[param]?.stringValue
            return identity.user.token == nil && target == identity.user.description
                ? nil : APIError(status: 403, "Permission check failed")
        case .userInGroupWith(let param, let privileges):
            guard let target = parameters[param]?.stringValue.flatMap(UserID.init) else {
                return APIError(status: 403, "Permission check failed")
            }
            for group in await groups(of: target.user) {
                let held = await self.privileges(of: identity, on: "/access/groups/\(group)")
                if privileges.contains(where: held.contains) { return nil }
            }
            return .permission("/access/groups", privileges)
        case .permissionsModify(let pathParam):
            let path = Self.substitute("{\(pathParam)}", parameters)
            let held = await self.privileges(of: identity, on: path)
            if held.contains("Permissions.Modify") { return nil }
            let allocate: String? =
                path.hasPrefix("/vms") ? "VM.Allocate"
                : path.hasPrefix("/storage") ? "Datastore.Allocate" : path.hasPrefix("/pool") ? "Pool.Allocate" : nil
            if let allocate, held.contains(allocate) { return nil }
            return .permission(path, ["Permissions.Modify"])
        }
    }

    /// Replaces `{name}` in an ACL path template with the parameter's value and normalises it.
    static func substitute(_ template: String, _ parameters: [String: JSONValue]) -> String {
        var path = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            path += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if name.hasPrefix("realm-of:") {
                path += parameters[String(name.dropFirst(9))]?.stringValue.flatMap(UserID.init)?.realm ?? ""
            } else {
                path += parameters[name]?.displayText ?? ""
            }
            rest = rest[rest.index(after: close)...]
        }
        path += rest
        let segments = path.split(separator: "/")
        return "/" + segments.joined(separator: "/")
    }
}

/// Permissions from the access-control service: `user.cfg`'s ACLs, groups, pools and tokens.
public struct AccessAuthorizer: Authorizer {
    let access: AccessService

    public init(access: AccessService) { self.access = access }

    public func privileges(of identity: Identity, on path: String) async -> Set<String> {
        identity.isSuperuser ? Privileges.all : await access.privileges(of: identity.user, on: path)
    }

    public func groups(of user: UserID) async -> [String] { await access.groups(of: user) }

    public func privileges(of identity: Identity, onEach paths: [String]) async -> [Set<String>] {
        identity.isSuperuser ? paths.map { _ in Privileges.all } : await access.privileges(of: identity.user, onEach: paths)
    }
}

extension AccessService: CredentialVerifier {}
