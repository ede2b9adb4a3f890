import FaroModel
import FaroSchema

/// Renders API results the way Proxmox's CLI tools print them: `text` (tables with box
/// borders), `json`, `json-pretty` and `yaml`.
public struct OutputFormatter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, jsonPretty = "json-pretty", yaml
    }

    public var format: Format = .text
    public var border = true
    public var header = true

    public init(format: Format = .text, border: Bool = true, header: Bool = true) {
        self.format = format
        self.border = border
        self.header = header
    }

    /// The printed form of `value`; `returns` orders table columns.
    public func render(_ value: JSONValue, returns: Schema?) -> String {
        switch format {
        case .json: return JSONWriter.string(value) + "\n"
        case .jsonPretty: return JSONWriter.string(value, pretty: true) + "\n"
        case .yaml: return YAMLWriter.render(value)
        case .text: return renderText(value, returns: returns)
        }
    }

    func renderText(_ value: JSONValue, returns: Schema?) -> String {
        switch value {
        case .null: return ""
        case .object(let members):
            let rows = members.keys.sorted().map { [$0, cell(members[$0]!)] }
            return table(columns: ["key", "value"], rows: rows)
        case .array(let items):
            guard items.contains(where: { $0.objectValue != nil }) else {
                return items.map { cell($0) + "\n" }.joined()
            }
            let columns = Self.columns(items, returns: returns)
            let rows = items.map { item in columns.map { item[$0].map(cell) ?? "" } }
            return table(columns: columns, rows: rows)
        default:
            return value.displayText + "\n"
        }
    }

    /// Columns: the child-link key first, then the declared result properties that occur,
    /// then any other keys, each group sorted.
    static func columns(_ items: [JSONValue], returns: Schema?) -> [String] {
        var present = Set<String>()
        for item in items { present.formUnion(item.objectValue?.keys ?? [:].keys) }
        var ordered: [String] = []
        if let link = returns?.childLink {
            let key = String(link.dropFirst().dropLast())
            if present.contains(key) { ordered.append(key) }
        }
        let declared = Set(returns?.items?.properties?.keys ?? [:].keys)
        ordered += present.filter { declared.contains($0) && !ordered.contains($0) }.sorted()
        ordered += present.filter { !declared.contains($0) && !ordered.contains($0) }.sorted()
        return ordered
    }

    func cell(_ value: JSONValue) -> String {
        switch value {
        case .array, .object: return JSONWriter.string(value)
        default: return value.displayText.replacingNewlines()
        }
    }

    func table(columns: [String], rows: [[String]]) -> String {
        var widths = columns.map { header ? $0.count : 0 }
        for row in rows {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        guard border else {
            var out = ""
            if header { out += columns.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: " ").trimmedRight() + "\n" }
            for row in rows { out += row.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: " ").trimmedRight() + "\n" }
            return out
        }
        func line(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        func content(_ cells: [String]) -> String {
            "│ " + cells.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: " │ ") + " │\n"
        }
        var out = line("┌", "─", "┬", "┐")
        if header { out += content(columns) + line("╞", "═", "╪", "╡") }
        for (index, row) in rows.enumerated() {
            if index > 0 { out += line("├", "─", "┼", "┤") }
            out += content(row)
        }
        return out + line("└", "─", "┴", "┘")
    }
}

extension String {
    func replacingNewlines() -> String { split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n") }
    func trimmedRight() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
