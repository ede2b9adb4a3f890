import FaroModel

/// Proxmox's permission algorithm over a `UserConfig`. Walking from `/` to the path, at each
/// level the first non-empty set among (token entries | user entries | the union of the
/// user's groups' entries) replaces what was inherited; an entry counts at a level above the
/// target only when it propagates. NoAccess wins. Pool roles reach member guests and storages.
public struct PermissionEvaluator: Sendable {
    public let config: UserConfig

    public init(config: UserConfig) { self.config = config }

    /// Roles (with their propagate flag) of a user or token on a path, without pools.
    public func roles(for id: UserID, path: String) -> [String: Bool] {
        let levels = ACLPath.levels(path)
        let groups = id.token == nil ? config.groups(of: id.description) : []
        var result: [String: Bool] = [:]
        for (index, level) in levels.enumerated() {
            guard let entries = config.acl[level] else { continue }
            let final = index == levels.count - 1
            func counted(_ roles: [String: Bool]?) -> [String: Bool] {
                (roles ?? [:]).filter { final || $0.value }
            }
            var found: [String: Bool]
            if id.token != nil {
                found = counted(entries[.token(id.description)])
            } else {
                found = counted(entries[.user(id.description)])
                if found.isEmpty {
                    for group in groups {
                        found.merge(counted(entries[.group(group)])) { $0 || $1 }
                    }
                }
            }
            if !found.isEmpty { result = found }
        }
        if let noAccess = result["NoAccess"] { return ["NoAccess": noAccess] }
        return result
    }

    /// Roles including those pools grant to their members: a guest belongs to at most one pool,
    /// a storage may belong to several and gets the roles of all of them (in pool-name order,
    /// so the answer never depends on dictionary order). Pool roles do not propagate further.
    func rolesWithPools(for id: UserID, path: String) -> [String: Bool] {
        var roles = self.roles(for: id, path: path)
        if roles["NoAccess"] != nil { return roles }
        let parts = path.split(separator: "/")
        var pools: [String] = []
        if parts.count == 2, parts[0] == "vms", let vmid = VMID(String(parts[1])) {
            pools = config.pool(ofVM: vmid).map { [$0] } ?? []
        } else if parts.count == 2, parts[0] == "storage" {
            pools = config.pools.keys.filter { config.pools[$0]!.storages.contains(String(parts[1])) }.sorted()
        }
        for pool in pools {
            let poolRoles = self.roles(for: id, path: "/pool/" + pool)
            if poolRoles["NoAccess"] != nil { return ["NoAccess": false] }
            for role in poolRoles.keys where roles[role] == nil { roles[role] = false }
        }
        return roles
    }

    /// Privileges of a user or token on a path at time `now` (epoch seconds).
    public func privileges(for id: UserID, path: String, now: Int) -> Set<String> {
        privilegesWithPropagation(for: id, path: path, now: now).keys.reduce(into: []) { $0.insert($1) }
    }

    /// Privilege → whether it propagates, as `/access/permissions` shows them.
    public func privilegesWithPropagation(for id: UserID, path: String, now: Int) -> [String: Bool] {
        let owner = id.user
        guard let user = config.users[owner.description], isActive(enable: user.enable, expire: user.expire, now: now)
        else { return [:] }
        let userPrivileges = owner.isRoot ? Privileges.all.reduce(into: [:]) { $0[$1] = true } : collect(owner, path)
        guard let name = id.token else { return userPrivileges }
        guard let token = user.tokens[name], isActive(enable: true, expire: token.expire, now: now) else { return [:] }
        guard token.privsep else { return userPrivileges }
        let tokenPrivileges = collect(id, path)
        return tokenPrivileges.filter { userPrivileges[$0.key] != nil }
    }

    private func collect(_ id: UserID, _ path: String) -> [String: Bool] {
        var result: [String: Bool] = [:]
        for (role, propagate) in rolesWithPools(for: id, path: path) {
            for privilege in config.privileges(ofRole: role) ?? [] {
                result[privilege] = (result[privilege] ?? false) || propagate
            }
        }
        return result
    }

    func isActive(enable: Bool, expire: Int, now: Int) -> Bool {
        enable && (expire == 0 || expire > now)
    }

    /// Every path with permissions for `/access/permissions`: the ACL paths, pool member
    /// paths and `/`, each with its privileges.
    public func permissionMap(for id: UserID, now: Int) -> [String: [String: Bool]] {
        var paths: Set<String> = Set(config.acl.keys).union(["/"])
        for pool in config.pools.values {
            paths.formUnion(pool.vms.map { "/vms/\($0)" })
            paths.formUnion(pool.storages.map { "/storage/\($0)" })
        }
        var map: [String: [String: Bool]] = [:]
        for path in paths {
            let privileges = privilegesWithPropagation(for: id, path: path, now: now)
            if !privileges.isEmpty { map[path] = privileges }
        }
        return map
    }

    /// The capability map `/access/ticket` returns for the GUI: per area, the privileges held
    /// on the area's root path.
    public func capabilities(for id: UserID, now: Int) -> [String: [String: Bool]] {
        let areas = ["vms": "/vms", "storage": "/storage", "access": "/access", "nodes": "/nodes", "sdn": "/sdn", "dc": "/", "mapping": "/mapping"]
        var result: [String: [String: Bool]] = [:]
        for (area, path) in areas {
            let category = Self.areaPrefixes[area] ?? []
            result[area] = privilegesWithPropagation(for: id, path: path, now: now).filter { privilege, _ in
                category.contains { privilege.hasPrefix($0) }
            }
        }
        return result
    }

    static let areaPrefixes: [String: [String]] = [
        "vms": ["VM.", "Permissions.Modify"], "storage": ["Datastore.", "Permissions.Modify"],
        "access": ["User.", "Group.", "Permissions.Modify"], "nodes": ["Sys."], "sdn": ["SDN.", "Permissions.Modify"],
        "dc": ["Sys.Audit", "Sys.Modify", "Realm."], "mapping": ["Mapping.", "Permissions.Modify"],
    ]
}
