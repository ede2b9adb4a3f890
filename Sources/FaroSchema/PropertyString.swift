import FaroModel

/// Proxmox property strings: `key=value` items separated by `,`, at most one bare value that
/// belongs to the default key, aliases rewritten to their target key.
public enum PropertyString {
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// Per-key problems (`bridge` → reason); empty for a syntax error.
        public let keyErrors: [String: String]
        public let message: String
        public var description: String { message }
    }

    /// Splits and checks a property string; values stay text, checked against their sub-schema.
    public static func parse(_ text: String, keys: [String: Schema]) throws(Error) -> [String: String] {
        let defaultKey = keys.first(where: { $0.value.isDefaultKey })?.key
        var result: [String: String] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            var key: String
            let value: String
            if let equals = item.firstIndex(of: "=") {
                key = String(item[..<equals])
                value = String(item[item.index(after: equals)...])
            } else if let defaultKey, result[defaultKey] == nil {
                key = defaultKey
                value = String(item)
            } else {
                throw Error(keyErrors: [:], message: "value without key, but schema does not define a default key")
            }
            if let target = keys[key]?.alias { key = target }
            guard keys[key] != nil else {
                throw Error(keyErrors: [:], message: "invalid key in comma-separated list property: \(key)")
            }
            guard result[key] == nil else {
                throw Error(keyErrors: [:], message: "duplicate key in comma-separated list property: \(key)")
            }
            result[key] = value
        }
        var problems: [String: String] = [:]
        for (key, schema) in keys where schema.alias == nil {
            if let value = result[key] {
                var errors: [String: String] = [:]
                if let normalized = SchemaValidator.check(.string(value), schema: schema, path: key, errors: &errors),
                    schema.type == .boolean
                {
                    result[key] = normalized.boolValue == true ? "1" : "0"
                }
                problems.merge(errors) { first, _ in first }
            } else if !schema.isOptional {
                problems[key] = "property is missing and it is not optional"
            }
        }
        guard problems.isEmpty else {
            throw Error(keyErrors: problems, message: "format error")
        }
        return result
    }

    /// Writes values back: the default key's value bare and first, then the rest sorted.
    public static func print(_ values: [String: String], keys: [String: Schema]) -> String {
        let defaultKey = keys.first(where: { $0.value.isDefaultKey })?.key
        var parts: [String] = []
        if let defaultKey, let value = values[defaultKey] { parts.append(value) }
        for key in values.keys.sorted() where key != defaultKey {
            parts.append("\(key)=\(values[key]!)")
        }
        return parts.joined(separator: ",")
    }
}
