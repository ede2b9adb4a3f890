import FaroModel

/// The contents of `user.cfg`: users with their API tokens, groups, pools, custom roles and
/// the access control list. Built-in roles are not stored here (see `Privileges`).
public struct UserConfig: Sendable, Equatable {
    public struct User: Sendable, Equatable {
        public var enable = true
        /// Epoch seconds; 0 means never.
        public var expire = 0
        public var firstname = ""
        public var lastname = ""
        public var email = ""
        public var comment = ""
        public var keys = ""
        public var tokens: [String: Token] = [:]

        public init() {}
    }

    public struct Token: Sendable, Equatable {
        public var expire = 0
        public var privsep = true
        public var comment = ""

        public init(expire: Int = 0, privsep: Bool = true, comment: String = "") {
            self.expire = expire
            self.privsep = privsep
            self.comment = comment
        }
    }

    public struct Group: Sendable, Equatable {
        public var users: Set<String> = []
        public var comment = ""
        public init(users: Set<String> = [], comment: String = "") {
            self.users = users
            self.comment = comment
        }
    }

    public struct Pool: Sendable, Equatable {
        public var comment = ""
        public var vms: Set<VMID> = []
        public var storages: Set<String> = []
        public init(comment: String = "") { self.comment = comment }
    }

    /// Who an ACL entry is for.
    public enum Member: Sendable, Hashable, Comparable {
        case user(String)
        case group(String)
        case token(String)

        /// The form `user.cfg` and the API use: `@group`, `user@realm!token`, `user@realm`.
        public var text: String {
            switch self {
            case .user(let id), .token(let id): return id
            case .group(let id): return "@" + id
            }
        }

        public var kind: String {
            switch self {
            case .user: return "user"
            case .group: return "group"
            case .token: return "token"
            }
        }

        public var id: String {
            switch self {
            case .user(let id), .group(let id), .token(let id): return id
            }
        }

        public static func < (lhs: Member, rhs: Member) -> Bool { lhs.text < rhs.text }
    }

    public var users: [String: User] = [:]
    public var groups: [String: Group] = [:]
    public var pools: [String: Pool] = [:]
    /// Custom roles only.
    public var customRoles: [String: Set<String>] = [:]
    /// path → member → role → propagate
    public var acl: [String: [Member: [String: Bool]]] = [:]

    public init() {
        users["root@pam"] = User()
    }

    /// Privileges of a role, built-in or custom.
    public func privileges(ofRole role: String) -> Set<String>? {
        Privileges.builtinRoles[role] ?? customRoles[role]
    }

    public var allRoles: [String: Set<String>] {
        Privileges.builtinRoles.merging(customRoles) { builtin, _ in builtin }
    }

    /// The groups a user belongs to, sorted.
    public func groups(of user: String) -> [String] {
        groups.filter { $0.value.users.contains(user) }.keys.sorted()
    }

    /// The pool a guest belongs to.
    public func pool(ofVM vmid: VMID) -> String? {
        pools.first { $0.value.vms.contains(vmid) }?.key
    }

    /// Removes a user with its tokens, group memberships and ACL entries.
    public mutating func removeUser(_ id: String) {
        users.removeValue(forKey: id)
        for name in groups.keys { groups[name]?.users.remove(id) }
        removeMembers { member in
            switch member {
            case .user(let user): return user == id
            case .token(let token): return token.hasPrefix(id + "!")
            case .group: return false
            }
        }
    }

    public mutating func removeToken(_ fullID: String) {
        guard let bang = fullID.firstIndex(of: "!") else { return }
        users[String(fullID[..<bang])]?.tokens.removeValue(forKey: String(fullID[fullID.index(after: bang)...]))
        removeMembers { $0 == .token(fullID) }
    }

    public mutating func removeGroup(_ id: String) {
        groups.removeValue(forKey: id)
        removeMembers { $0 == .group(id) }
    }

    public mutating func removeRole(_ role: String) {
        customRoles.removeValue(forKey: role)
        for (path, members) in acl {
            for (member, roles) in members {
                var roles = roles
                roles.removeValue(forKey: role)
                acl[path]?[member] = roles.isEmpty ? nil : roles
            }
            if acl[path]?.isEmpty == true { acl.removeValue(forKey: path) }
        }
    }

    mutating func removeMembers(where matches: (Member) -> Bool) {
        for (path, members) in acl {
            for member in members.keys where matches(member) { acl[path]?.removeValue(forKey: member) }
            if acl[path]?.isEmpty == true { acl.removeValue(forKey: path) }
        }
    }

    /// Adds or removes ACL entries (the `PUT /access/acl` operation).
    public mutating func setACL(path: String, members: [Member], roles: [String], propagate: Bool, delete: Bool) {
        for member in members {
            var current = acl[path]?[member] ?? [:]
            for role in roles {
                if delete { current.removeValue(forKey: role) } else { current[role] = propagate }
            }
            acl[path, default: [:]][member] = current.isEmpty ? nil : current
        }
        if acl[path]?.isEmpty == true { acl.removeValue(forKey: path) }
    }
}
