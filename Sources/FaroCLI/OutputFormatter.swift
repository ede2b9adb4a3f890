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
        case .jsonPretty: return PerlJSON.pretty(value)
        case .yaml: return YAMLWriter.render(value)
        case .text: return renderText(value, returns: returns)
        }
    }

    func renderText(_ value: JSONValue, returns: Schema?) -> String {
        switch value {
        case .null: return ""
        case .object(let members):
            let rows = members.keys.sorted().map { [$0, cell(members[$0]!)] }
            return table([TableColumn(name: "key"), TableColumn(name: "value")], rows: rows)
        case .array(let items):
            guard items.contains(where: { $0.objectValue != nil }) else {
                return items.map { cell($0) + "\n" }.joined()
            }
            let properties = returns?.items?.properties ?? [:]
            let columns = Self.columns(items, returns: returns).map { name in
                let type = properties[name]?.type
                return TableColumn(
                    name: name, rightAligned: type == .integer || type == .number,
                    defaultText: properties[name]?.defaultValue.map(cell) ?? "")
            }
            let sorted = Self.sortedByFirstColumn(items, columns.first)
            return table(columns, rows: sorted.map { item in columns.map { item[$0.name].map(cell) ?? "" } })
        default:
            return value.displayText + "\n"
        }
    }

    /// Columns as Proxmox's `extract_properties_to_print` picks them: the declared result
    /// properties that occur, required ones then optional ones, each group sorted (the
    /// child-link key first); then, where the declaration is incomplete, any other keys, sorted.
    static func columns(_ items: [JSONValue], returns: Schema?) -> [String] {
        var present = Set<String>()
        for item in items { present.formUnion(item.objectValue?.keys ?? [:].keys) }
        var ordered: [String] = []
        if let link = returns?.childLink {
            let key = String(link.dropFirst().dropLast())
            if present.contains(key) { ordered.append(key) }
        }
        let declared = returns?.items?.properties ?? [:]
        let rest = present.filter { !ordered.contains($0) }
        ordered += rest.filter { declared[$0].map { !$0.isOptional } ?? false }.sorted()
        ordered += rest.filter { declared[$0]?.isOptional ?? false }.sorted()
        ordered += rest.filter { declared[$0] == nil }.sorted()
        return ordered
    }

    /// Rows ordered by the first column, numerically for a numeric one; rows without it first.
    static func sortedByFirstColumn(_ items: [JSONValue], _ column: TableColumn?) -> [JSONValue] {
        guard let column else { return items }
        return items.enumerated().sorted { left, right in
            switch (left.element[column.name], right.element[column.name]) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (let a?, let b?) where a.displayText != b.displayText:
                if column.rightAligned, let x = a.doubleValue, let y = b.doubleValue, x != y { return x < y }
                return a.displayText < b.displayText
            default: return left.offset < right.offset
            }
        }.map(\.element)
    }

    /// Proxmox's `data_to_text`: structures as compact JSON, booleans as 1/0.
    func cell(_ value: JSONValue) -> String { value.displayText }

    struct TableColumn {
        var name: String
        var rightAligned = false
        /// Shown where a row has no value (the schema's default).
        var defaultText = ""
    }

    /// Proxmox's `print_text_table`: numbers right-aligned, a cell of several lines makes the
    /// row that many lines high; without borders columns are one space apart and the last one
    /// is not padded.
    func table(_ columns: [TableColumn], rows: [[String]]) -> String {
        let cells = rows.map { row in row.map(Self.lines) }
        var widths = columns.map(\.name.count)
        for row in cells {
            for (index, lines) in row.enumerated() { widths[index] = max(widths[index], lines.map(\.count).max() ?? 0) }
        }
        func pad(_ text: String, _ index: Int) -> String {
            columns[index].rightAligned ? Printf.right(text, widths[index]) : Printf.left(text, widths[index])
        }
        func content(_ texts: [String]) -> String {
            guard border else {
                return texts.enumerated().map { $0.offset == texts.count - 1 ? $0.element : pad($0.element, $0.offset) }
                    .joined(separator: " ") + "\n"
            }
            return "│ " + texts.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " │ ") + " │\n"
        }
        func line(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
            border ? left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right + "\n" : ""
        }
        var out = line("┌", "─", "┬", "┐")
        if header { out += content(columns.map(\.name)) + line("╞", "═", "╪", "╡") }
        for (index, row) in cells.enumerated() {
            if index > 0 { out += line("├", "─", "┼", "┤") }
            for lineIndex in 0..<max(1, row.map(\.count).max() ?? 1) {
                out += content(row.enumerated().map { column, lines in
                    lineIndex < lines.count ? lines[lineIndex] : String(columns[column].defaultText.prefix(widths[column]))
                })
            }
        }
        return out + line("└", "─", "┴", "┘")
    }

    /// Perl's `split(/\n/, $text)`: no trailing empty lines, none at all for an empty text.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
