/// A guest id: 100 ... 999999999, as Proxmox's `pve-vmid` format.
public struct VMID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let range = 100...999_999_999
    public let rawValue: Int

    public init?(_ rawValue: Int) {
        guard Self.range.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public init?(_ text: String) {
        guard let first = text.first, first != "0", text.count <= 9, text.allSatisfy(\.isASCIIDigitChar),
            let value = Int(text)
        else { return nil }
        self.init(value)
    }

    public var description: String { String(rawValue) }
    public static func < (lhs: VMID, rhs: VMID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A node name: one DNS label, as Proxmox's `pve-node` format.
public struct NodeName: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public static func isValid(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, text.utf8.count <= 63 else { return false }
        func alnum(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return alnum(first) && alnum(last) && text.utf8.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    public var description: String { rawValue }
}

/// A user id `name@realm` (or a token id `name@realm!token`).
public struct UserID: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let realm: String
    public let token: String?

    public static let root = UserID(name: "root", realm: "pam", token: nil)

    public init(name: String, realm: String, token: String? = nil) {
        self.name = name
        self.realm = realm
        self.token = token
    }

    public init?(_ text: String) {
        var rest = Substring(text)
        var token: String?
        if let bang = rest.lastIndex(of: "!") {
            token = String(rest[rest.index(after: bang)...])
            rest = rest[..<bang]
            guard let token, !token.isEmpty else { return nil }
        }
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let name = String(rest[..<at])
        let realm = String(rest[rest.index(after: at)...])
        guard !name.isEmpty, !realm.isEmpty, (3...64).contains(rest.count),
            !name.contains(where: { $0 == ":" || $0 == "/" || $0.isWhitespace })
        else { return nil }
        self.init(name: name, realm: realm, token: token)
    }

    /// The user this identity acts for (a token's owner, or itself).
    public var user: UserID { UserID(name: name, realm: realm, token: nil) }
    public var isRoot: Bool { token == nil && self == .root }
    public var description: String { token.map { "\(name)@\(realm)!\($0)" } ?? "\(name)@\(realm)" }
}

extension Character {
    public var isASCIIDigitChar: Bool { ("0"..."9").contains(self) }
}
