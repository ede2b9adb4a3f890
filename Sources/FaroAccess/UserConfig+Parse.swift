import FaroModel

extension UserConfig {
    /// Parses `user.cfg`. Entries that do not parse are skipped and reported in `warnings`.
    public static func parse(_ text: String) -> (config: UserConfig, warnings: [String]) {
        var config = UserConfig()
        config.users = [:]
        var warnings: [String] = []
        var aclLines: [[String]] = []
        var poolLines: [[String]] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(separator: ":", omittingEmptySubsequences: false).map {
                String($0).trimmingCharacters(in: " \t")
            }
            if fields.last == "" { fields.removeLast() }
            func field(_ index: Int) -> String { index < fields.count ? PercentText.decode(fields[index]) : "" }
            switch fields[0] {
            case "user":
                guard fields.count >= 2, let id = UserID(fields[1]), id.token == nil else {
                    warnings.append("line \(number + 1): invalid user entry")
                    continue
                }
                var user = User()
                user.enable = field(2) != "0"
                user.expire = Int(field(3)) ?? 0
                user.firstname = field(4)
                user.lastname = field(5)
                user.email = field(6)
                user.comment = field(7)
                user.keys = field(8)
                config.users[id.description] = user
            case "token":
                guard fields.count >= 2, let id = UserID(fields[1]), let name = id.token,
                    config.users[id.user.description] != nil
                else {
                    warnings.append("line \(number + 1): invalid or orphaned token entry")
                    continue
                }
                config.users[id.user.description]?.tokens[name] = Token(
                    expire: Int(field(2)) ?? 0, privsep: field(3) != "0", comment: field(4))
            case "group":
                guard fields.count >= 2, !fields[1].isEmpty else {
                    warnings.append("line \(number + 1): invalid group entry")
                    continue
                }
                let members = Set(field(2).split(separator: ",").map(String.init).filter { UserID($0) != nil })
                config.groups[fields[1]] = Group(users: members, comment: field(3))
            case "role":
                guard fields.count >= 2, !fields[1].isEmpty else {
                    warnings.append("line \(number + 1): invalid role entry")
                    continue
                }
                if Privileges.isBuiltin(fields[1]) { continue }
                let privileges = Set(field(2).split(separator: ",").map(String.init))
                let unknown = privileges.subtracting(Privileges.all)
                if !unknown.isEmpty { warnings.append("role \(fields[1]): unknown privileges \(unknown.sorted())") }
                config.customRoles[fields[1]] = privileges.intersection(Privileges.all)
            case "pool":
                poolLines.append(fields)
            case "acl":
                aclLines.append(fields)
            default:
                warnings.append("line \(number + 1): unknown entry type '\(fields[0])'")
            }
        }
        if config.users["root@pam"] == nil { config.users["root@pam"] = User() }
        for fields in poolLines { config.parsePool(fields, warnings: &warnings) }
        for fields in aclLines { config.parseACL(fields, warnings: &warnings) }
        return (config, warnings)
    }

    mutating func parsePool(_ fields: [String], warnings: inout [String]) {
        guard fields.count >= 2, !fields[1].isEmpty else {
            warnings.append("invalid pool entry")
            return
        }
        let id = fields[1]
        var pool = Pool(comment: fields.count > 2 ? PercentText.decode(fields[2]) : "")
        for vm in (fields.count > 3 ? fields[3] : "").split(separator: ",") {
            guard let vmid = VMID(String(vm)) else { continue }
            if let other = self.pool(ofVM: vmid) {
                warnings.append("VM \(vmid) is already in pool '\(other)', not added to '\(id)'")
                continue
            }
            pool.vms.insert(vmid)
        }
        pool.storages = Set((fields.count > 4 ? fields[4] : "").split(separator: ",").map(String.init))
        // A nested pool `a/b` implies its parents.
        var parent = id
        while let slash = parent.lastIndex(of: "/") {
            parent = String(parent[..<slash])
            if pools[parent] == nil { pools[parent] = Pool() }
        }
        pools[id] = pool
    }

    mutating func parseACL(_ fields: [String], warnings: inout [String]) {
        guard fields.count >= 5, let path = ACLPath.normalize(fields[2]) else {
            warnings.append("invalid acl entry")
            return
        }
        let propagate = fields[1] != "0"
        let roles = fields[4].split(separator: ",").map(String.init).filter { role in
            if privileges(ofRole: role) == nil {
                warnings.append("acl on \(path): unknown role '\(role)'")
                return false
            }
            return true
        }
        var members: [Member] = []
        for text in fields[3].split(separator: ",").map(String.init) {
            if text.hasPrefix("@") {
                let group = String(text.dropFirst())
                if groups[group] != nil { members.append(.group(group)) } else { warnings.append("acl: unknown group '\(group)'") }
            } else if let id = UserID(text), let token = id.token {
                if users[id.user.description]?.tokens[token] != nil {
                    members.append(.token(text))
                } else {
                    warnings.append("acl: unknown token '\(text)'")
                }
            } else if users[text] != nil {
                members.append(.user(text))
            } else {
                warnings.append("acl: unknown user '\(text)'")
            }
        }
        setACL(path: path, members: members, roles: roles, propagate: propagate, delete: false)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {  // without Foundation
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

/// The percent-encoding of text fields in `user.cfg`.
public enum PercentText {
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "%") {
                out += "%" + String(format2: byte)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    public static func decode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16, uppercase: true)
        self = hex.count == 1 ? "0" + hex : hex
    }
}
