extension UserConfig {
    /// Writes `user.cfg`: users each followed by its tokens, groups, pools, custom roles, then
    /// the ACL by path; members with the same roles and propagation share a line. ACL entries
    /// of root@pam are not written (root has every privilege anyway).
    public func render() -> String {
        var out = ""
        for id in users.keys.sorted() {
            let user = users[id]!
            let text = [user.firstname, user.lastname, user.email, user.comment, user.keys].map(PercentText.encode)
            out += "user:\(id):\(user.enable ? 1 : 0):\(user.expire):" + text.joined(separator: ":") + ":\n"
            for name in user.tokens.keys.sorted() {
                let token = user.tokens[name]!
                out += "token:\(id)!\(name):\(token.expire):\(token.privsep ? 1 : 0):\(PercentText.encode(token.comment)):\n"
            }
        }
        out += "\n"
        for id in groups.keys.sorted() {
            let group = groups[id]!
            out += "group:\(id):\(group.users.sorted().joined(separator: ",")):\(PercentText.encode(group.comment)):\n"
        }
        out += "\n"
        for id in pools.keys.sorted() {
            let pool = pools[id]!
            out += "pool:\(id):\(PercentText.encode(pool.comment)):\(pool.vms.sorted().map(\.description).joined(separator: ",")):"
                + "\(pool.storages.sorted().joined(separator: ",")):\n"
        }
        out += "\n"
        for id in customRoles.keys.sorted() {
            out += "role:\(id):\(customRoles[id]!.sorted().joined(separator: ",")):\n"
        }
        out += "\n"
        for path in acl.keys.sorted(by: Self.depthFirst) {
            for propagate in [false, true] {
                var byRoles: [[String]: [Member]] = [:]
                for (member, roles) in acl[path]! where member != .user("root@pam") {
                    let chosen = roles.filter { $0.value == propagate }.keys.sorted()
                    if !chosen.isEmpty { byRoles[chosen, default: []].append(member) }
                }
                for roles in byRoles.keys.sorted(by: { $0.joined(separator: ",") < $1.joined(separator: ",") }) {
                    let members = byRoles[roles]!.sorted().map(\.text).joined(separator: ",")
                    out += "acl:\(propagate ? 1 : 0):\(path):\(members):\(roles.joined(separator: ",")):\n"
                }
            }
        }
        return out
    }

    /// Parents before children: compare segment by segment.
    static func depthFirst(_ lhs: String, _ rhs: String) -> Bool {
        lhs.split(separator: "/").lexicographicallyPrecedes(rhs.split(separator: "/"))
    }
}
