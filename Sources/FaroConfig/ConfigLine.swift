/// Every config format Faro writes is line based: a value that carried a line break would
/// become a line of its own (an `lxc.mount.entry`, an `mp1`, an ACL), and other control
/// characters have no business in a file an admin reads. Writers check each key and value
/// here, so no caller can produce a file that means more than it was given, or that does not
/// parse again.
public enum ConfigLine {
    /// Throws when `value` holds a control character (a line break, NUL, ESC, DEL, ...).
    public static func check(_ value: String, key: String) throws(ConfigLineError) {
        if let bad = value.unicodeScalars.first(where: isControl) {
            throw ConfigLineError(key: key, character: bad)
        }
    }

    /// C0 controls, including TAB, and DEL.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}

/// A value refused by a config writer; names the key and the character.
public struct ConfigLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public let key: String
    public let character: Unicode.Scalar

    public init(key: String, character: Unicode.Scalar) {
        self.key = key
        self.character = character
    }

    public var description: String {
        let code = String(character.value, radix: 16, uppercase: true)
        let what = character == "\n" || character == "\r" ? "a line break" : "the control character U+\(code.count == 1 ? "000" : "00")\(code)"
        return "value of '\(key)' contains \(what)"
    }
}
