/// Proxmox's section-config format (`storage.cfg`, `jobs.cfg`, `ha/resources.cfg`, ...):
/// a `<type>: <id>` header at column 0, then indented `<key> <value>` lines (a key alone means
/// `1`), sections separated by blank lines, `#` lines ignored. Values stay text here; each
/// file's schema gives them meaning.
public struct SectionConfig: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var type: String
        public var id: String
        /// Keys in file order, so a file written back keeps the admin's order.
        public var keys: [String]
        public var values: [String: String]

        public init(type: String, id: String, options: [(String, String)] = []) {
            self.type = type
            self.id = id
            keys = []
            values = [:]
            for (key, value) in options { self[key] = value }
        }

        public subscript(key: String) -> String? {
            get { values[key] }
            set {
                if let newValue {
                    if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
                } else if values.removeValue(forKey: key) != nil {
                    keys.removeAll { $0 == key }
                }
            }
        }
    }

    /// A line that could not be read, with its 1-based number; the section it was in is skipped.
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var sections: [Section]

    public init(sections: [Section] = []) { self.sections = sections }

    public subscript(id id: String) -> Section? {
        get { sections.first { $0.id == id } }
        set {
            if let index = sections.firstIndex(where: { $0.id == id }) {
                if let newValue { sections[index] = newValue } else { sections.remove(at: index) }
            } else if let newValue {
                sections.append(newValue)
            }
        }
    }

    /// Parses leniently, as Proxmox does: a malformed section is dropped with a warning and the
    /// rest of the file still loads.
    public static func parse(_ text: String) -> (config: SectionConfig, warnings: [Warning]) {
        var config = SectionConfig()
        var warnings: [Warning] = []
        var current: Section?
        var currentBroken = false
        func finish() {
            if let section = current, !currentBroken {
                if config[id: section.id] != nil {
                    warnings.append(Warning(line: 0, message: "duplicate section '\(section.id)' ignored"))
                } else {
                    config.sections.append(section)
                }
            }
            current = nil
            currentBroken = false
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let number = index + 1
            if line.hasPrefix("#") { continue }
            if line.allSatisfy(\.isWhitespace) {
                finish()
                continue
            }
            if let first = line.first, !first.isWhitespace {
                finish()
                guard let colon = line.firstIndex(of: ":") else {
                    warnings.append(Warning(line: number, message: "syntax error: section header without ':'"))
                    currentBroken = true
                    current = Section(type: "", id: "")
                    continue
                }
                let type = String(line[..<colon]).trimmedOfSpaces
                let id = String(line[line.index(after: colon)...]).trimmedOfSpaces
                guard !type.isEmpty, !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                    warnings.append(Warning(line: number, message: "syntax error: invalid section header"))
                    currentBroken = true
                    current = Section(type: "", id: "")
                    continue
                }
                current = Section(type: type, id: id)
                continue
            }
            guard current != nil else {
                warnings.append(Warning(line: number, message: "property line outside a section"))
                continue
            }
            let body = line.drop(while: \.isWhitespace)
            let key: Substring
            let value: String
            if let space = body.firstIndex(where: \.isWhitespace) {
                key = body[..<space]
                value = String(body[space...]).trimmedOfSpaces
            } else {
                key = body
                value = "1"
            }
            if current?[String(key)] != nil {
                warnings.append(Warning(line: number, message: "duplicate property '\(key)'"))
                currentBroken = true
                continue
            }
            current?[String(key)] = value
        }
        finish()
        return (config, warnings)
    }

    /// The file text: TAB-indented properties, a blank line between sections. A type, id, key
    /// or value that is not one line of plain text is refused.
    public func text() throws(ConfigLineError) -> String {
        var out: [String] = []
        for section in sections {
            try ConfigLine.check(section.type, key: "type")
            try ConfigLine.check(section.id, key: section.type)
            var lines = ["\(section.type): \(section.id)"]
            for key in section.keys {
                let value = section.values[key]!
                try ConfigLine.check(key, key: key)
                try ConfigLine.check(value, key: key)
                lines.append("\t\(key) \(value)")
            }
            out.append(lines.joined(separator: "\n") + "\n")
        }
        return out.joined(separator: "\n")
    }
}

extension String {
    /// The text without leading and trailing white space.
    var trimmedOfSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
