import FaroModel

/// JSON as Perl's `to_json($data, { pretty => 1, canonical => 1 })` writes it: sorted keys,
/// three spaces a level, `"key" : value`, a newline at the end. Proxmox's `json-pretty`
/// output and `qm guest cmd` look like this.
enum PerlJSON {
    static func pretty(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        let inner = Array(repeating: UInt8(ascii: " "), count: (indent + 1) * 3)
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(contentsOf: "[\n".utf8)
            for (index, item) in items.enumerated() {
                out.append(contentsOf: inner)
                write(item, indent: indent + 1, into: &out)
                out.append(contentsOf: (index < items.count - 1 ? ",\n" : "\n").utf8)
            }
            out.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: indent * 3))
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(contentsOf: "{\n".utf8)
            for (index, key) in members.keys.sorted().enumerated() {
                out.append(contentsOf: inner)
                JSONWriter.writeString(key, into: &out)
                out.append(contentsOf: " : ".utf8)
                write(members[key]!, indent: indent + 1, into: &out)
                out.append(contentsOf: (index < members.count - 1 ? ",\n" : "\n").utf8)
            }
            out.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: indent * 3))
            out.append(UInt8(ascii: "}"))
        default:
            JSONWriter.write(value, into: &out)
        }
    }

    /// Proxmox's `qm guest` result printer: a string as a line (nothing when blank), an
    /// empty object as nothing, anything else as pretty JSON.
    static func agentResult(_ data: JSONValue) -> String {
        let result = data["result"] ?? data
        switch result {
        case .null: return ""
        case .object(let members) where members.isEmpty: return ""
        case .array, .object: return pretty(result)
        default:
            var text = result.displayText
            if text.last == "\n" { text.removeLast() }
            return text.allSatisfy(\.isWhitespace) ? "" : text + "\n"
        }
    }
}
