import FaroModel

/// A small YAML emitter for API results (block style, strings quoted when needed).
enum YAMLWriter {
    static func render(_ value: JSONValue) -> String {
        var out = "---\n"
        write(value, indent: 0, into: &out, inline: false)
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .array(let items) where !items.isEmpty:
            if inline { out += "\n" }
            for item in items {
                out += pad + "-"
                if isScalar(item) {
                    out += " " + scalar(item) + "\n"
                } else {
                    out += " "
                    writeNested(item, indent: indent + 2, into: &out)
                }
            }
        case .object(let members) where !members.isEmpty:
            if inline { out += "\n" }
            for key in members.keys.sorted() {
                let member = members[key]!
                out += pad + quoteIfNeeded(key) + ":"
                if isScalar(member) {
                    out += " " + scalar(member) + "\n"
                } else {
                    write(member, indent: indent + 2, into: &out, inline: true)
                }
            }
        default:
            out += (inline ? " " : pad) + scalar(value) + "\n"
        }
    }

    /// An object inside a list starts on the dash's line.
    private static func writeNested(_ value: JSONValue, indent: Int, into out: inout String) {
        var nested = ""
        write(value, indent: indent, into: &nested, inline: false)
        out += String(nested.dropFirst(indent))
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let items): return items.isEmpty
        case .object(let members): return members.isEmpty
        default: return true
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "~"
        case .array: return "[]"
        case .object: return "{}"
        case .string(let text): return quoteIfNeeded(text)
        case .bool(let flag): return flag ? "true" : "false"
        default: return value.displayText
        }
    }

    private static func quoteIfNeeded(_ text: String) -> String {
        let special = ":#{}[],&*?|<>=!%@`'\"\\\n\t"
        let plain = !text.isEmpty && !text.contains(where: { special.contains($0) }) && text.first != " "
            && text.last != " " && text.first != "-" && Double(text) == nil
            && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased())
        if plain { return text }
        return JSONWriter.string(.string(text))
    }
}
