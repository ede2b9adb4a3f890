/// A guest config file in Proxmox's format (`qemu-server/<vmid>.conf`, `lxc/<vmid>.conf`):
/// leading `#` lines hold the percent-encoded description, then `key: value` lines, then
/// sections such as `[PENDING]`, `[pve:pending]`, `[special:cloudinit]` or `[<snapshot>]`.
/// Keys are kept as text here; the VM and CT option schemas give them meaning.
public struct GuestConfigFile: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var description: String?
        public var options: [String: String] = [:]
        /// Raw `lxc.*` keys of a container config, in file order: a key may repeat
        /// (`lxc.mount.entry`), so they are not options.
        public var rawLXC: [RawLXCEntry] = []

        public init(description: String? = nil, options: [String: String] = [:], rawLXC: [RawLXCEntry] = []) {
            self.description = description
            self.options = options
            self.rawLXC = rawLXC
        }
    }

    public struct RawLXCEntry: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var main = Section()
    /// Named sections in file order (`PENDING`, `special:cloudinit`, snapshot names).
    public var sections: [(name: String, section: Section)] = []

    public init() {}

    public static func == (lhs: GuestConfigFile, rhs: GuestConfigFile) -> Bool {
        lhs.main == rhs.main && lhs.sections.map(\.name) == rhs.sections.map(\.name)
            && lhs.sections.map(\.section) == rhs.sections.map(\.section)
    }

    public subscript(section name: String) -> Section? {
        sections.first(where: { $0.name.lowercased() == name.lowercased() })?.section
    }

    /// Parses the text; malformed lines are reported, not silently dropped.
    public static func parse(_ text: String) throws(GuestConfigError) -> GuestConfigFile {
        try parse(text) { (problem: GuestConfigError) throws(GuestConfigError) in throw problem }
    }

    /// Parses what can be read: each malformed line is left out and reported, so one bad line
    /// cannot make the rest of a shared file unreadable (a later write drops it).
    public static func parseLeniently(_ text: String) -> (file: GuestConfigFile, problems: [GuestConfigError]) {
        var problems: [GuestConfigError] = []
        let file = parse(text) { problems.append($0) }
        return (file, problems)
    }

    private static func parse<Failure: Error>(
        _ text: String, onProblem: (GuestConfigError) throws(Failure) -> Void
    ) throws(Failure) -> GuestConfigFile {
        var file = GuestConfigFile()
        var current = Section()
        var currentName: String?
        var descriptionLines: [String] = []
        func flush() {
            if !descriptionLines.isEmpty {
                current.description = descriptionLines.joined(separator: "\n")
                descriptionLines = []
            }
            if let currentName {
                file.sections.append((currentName, current))
            } else {
                file.main = current
            }
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                flush()
                current = Section()
                currentName = String(line.dropFirst().dropLast())
                continue
            }
            if line.hasPrefix("#") {
                descriptionLines.append(Self.decode(String(line.dropFirst())))
                continue
            }
            if let (key, value) = Self.rawLXCEntry(line) {
                current.rawLXC.append(RawLXCEntry(key: key, value: value))
                continue
            }
            guard let colon = line.firstIndex(of: ":"), Self.isKey(line[..<colon]) else {
                try onProblem(GuestConfigError.syntax(line: number + 1, text: String(line)))
                continue
            }
            let key = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
            if key == "description" {
                descriptionLines.append(value)
            } else {
                current.options[key] = value
            }
        }
        flush()
        return file
    }

    /// Writes the text back: description lines first, keys sorted, sections in order. A key
    /// or value that would not read back as the same single line (a line break, any control
    /// character, a key outside the key syntax) is refused, never written.
    public func render() throws(GuestConfigError) -> String {
        var out = try Self.render(main)
        for (name, section) in sections {
            guard !name.isEmpty, !name.contains("]"), !name.unicodeScalars.contains(where: ConfigLine.isControl) else {
                throw GuestConfigError.invalidSection(name)
            }
            out += "\n[\(name)]\n" + (try Self.render(section))
        }
        return out
    }

    static func render(_ section: Section) throws(GuestConfigError) -> String {
        var out = ""
        if let description = section.description {
            for line in description.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "#" + encode(String(line)) + "\n"
            }
        }
        for key in section.options.keys.sorted() {
            let value = section.options[key]!
            guard isKey(Substring(key)) else { throw GuestConfigError.invalidKey(key) }
            do { try ConfigLine.check(value, key: key) } catch { throw GuestConfigError.invalidValue(error) }
            out += "\(key): \(value)\n"
        }
        for entry in section.rawLXC {
            guard rawLXCEntry(Substring("\(entry.key): \(entry.value)"))?.0 == entry.key else {
                throw GuestConfigError.invalidKey(entry.key)
            }
            do { try ConfigLine.check(entry.value, key: entry.key) } catch { throw GuestConfigError.invalidValue(error) }
            out += "\(entry.key): \(entry.value)\n"
        }
        return out
    }

    /// A raw lxc key of a container config: `lxc.key: value` or `lxc.key = value`.
    static func rawLXCEntry(_ line: Substring) -> (String, String)? {
        guard line.hasPrefix("lxc."), let separator = line.firstIndex(where: { $0 == ":" || $0 == "=" }) else { return nil }
        func trimmed(_ text: Substring) -> String {
            String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        }
        let key = trimmed(line[..<separator])
        guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else { return nil }
        let value = trimmed(line[line.index(after: separator)...])
        return (key, value)
    }

    /// Keys start with a lower-case letter followed by lower-case letters, digits, `_` and `-`
    /// (`net0`, `scsi10`, `vmstate`, `u2f`, `max_workers`, `next-id`).
    static func isKey(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.dropFirst().allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Percent-encodes `%`, control characters and non-ASCII bytes.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte == UInt8(ascii: "%") || byte < 0x20 || byte >= 0x7F {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

public enum GuestConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(line: Int, text: String)
    /// A writer was handed a key outside the key syntax.
    case invalidKey(String)
    /// A writer was handed a value that is not one line of plain text.
    case invalidValue(ConfigLineError)
    /// A writer was handed a section name that cannot stand between brackets.
    case invalidSection(String)

    public var description: String {
        switch self {
        case .syntax(let line, let text): return "unable to parse config line \(line): '\(text)'"
        case .invalidKey(let key): return "invalid config key '\(key)'"
        case .invalidValue(let error): return error.description
        case .invalidSection(let name): return "invalid config section name '\(name)'"
        }
    }
}
