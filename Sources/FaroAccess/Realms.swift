import FaroConfig

/// The authentication realms of `domains.cfg` (a section config). `pam` and `pve` always
/// exist with their fixed types; other realm types are not supported yet.
public struct Realm: Sendable, Equatable {
    public var id: String
    public var type: String
    public var options: [String: String]

    public init(id: String, type: String, options: [String: String] = [:]) {
        self.id = id
        self.type = type
        self.options = options
    }
}

public enum Realms {
    public static let defaultConfig = """
        pam: pam
        \tcomment Linux PAM standard authentication
        \tdefault 1

        pve: pve
        \tcomment Faro authentication server

        """

    public static func parse(_ text: String) -> [Realm] {
        var realms: [Realm] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            if let first = line.first, first == " " || first == "\t" {
                guard !realms.isEmpty else { continue }
                let body = line.drop(while: { $0 == " " || $0 == "\t" })
                let pair = body.split(separator: " ", maxSplits: 1)
                realms[realms.count - 1].options[String(pair[0])] = pair.count > 1 ? String(pair[1]) : "1"
            } else {
                let header = line.split(separator: ":", maxSplits: 1)
                guard header.count == 2 else { continue }
                realms.append(Realm(id: String(header[1]).trimmingCharacters(in: " \t"), type: String(header[0])))
            }
        }
        for fixed in ["pam", "pve"] where !realms.contains(where: { $0.id == fixed }) {
            realms.append(Realm(id: fixed, type: fixed))
        }
        return realms
    }

    /// The text of `domains.cfg`; a value that is not one line of plain text is refused.
    public static func render(_ realms: [Realm]) throws(ConfigLineError) -> String {
        var sections: [String] = []
        for realm in realms {
            try ConfigLine.check(realm.id, key: "realm")
            var text = "\(realm.type): \(realm.id)\n"
            for key in realm.options.keys.sorted() {
                try ConfigLine.check(key, key: key)
                try ConfigLine.check(realm.options[key]!, key: key)
                text += "\t\(key) \(realm.options[key]!)\n"
            }
            sections.append(text)
        }
        return sections.joined(separator: "\n")
    }
}
