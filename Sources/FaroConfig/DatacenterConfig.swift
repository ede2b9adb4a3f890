import FaroModel
import FaroSchema

/// `datacenter.cfg`: `key: value` lines, the notes as leading `#` lines (the layout of a guest
/// config without sections). Values stay text; the accessors read the ones Faro acts on.
public struct DatacenterConfig: Sendable, Equatable {
    public var description: String?
    public var options: [String: String]

    public init(description: String? = nil, options: [String: String] = [:]) {
        self.description = description
        self.options = options
    }

    /// Empty text (no file in the store yet) is an empty config.
    public init(parsing text: String) throws(GuestConfigError) {
        let file = try GuestConfigFile.parse(text)
        self.init(description: file.main.description, options: file.main.options)
    }

    /// What can be read of the file: every reader of the datacenter's settings (`/version`,
    /// `nextid`, guest creation) goes on with the good lines when one is broken, and the next
    /// write leaves the broken one out. The problems name the lines that were skipped.
    public static func reading(_ text: String) -> (config: DatacenterConfig, problems: [GuestConfigError]) {
        let (file, problems) = GuestConfigFile.parseLeniently(text)
        return (DatacenterConfig(description: file.main.description, options: file.main.options), problems)
    }

    /// The file text, proven to read back as this very config before anyone may store it.
    public func render() throws(GuestConfigError) -> String {
        var file = GuestConfigFile()
        file.main = GuestConfigFile.Section(description: description, options: options)
        let text = try file.render()
        guard try DatacenterConfig(parsing: text) == self else {
            throw GuestConfigError.syntax(line: 0, text: "the written datacenter.cfg does not read back as written")
        }
        return text
    }

    /// The keys of a property-string option (`next-id` → lower, upper); nil for a plain one or
    /// a value that no longer parses.
    public func propertyValues(_ key: String) -> [String: String]? {
        guard let text = options[key], case .propertyString(let keys)? = DatacenterOptions.schemas[key]?.format else {
            return nil
        }
        return try? PropertyString.parse(text, keys: keys)
    }

    /// The prefix of generated MAC addresses (`mac_prefix`).
    public var macPrefix: String { options["mac_prefix"] ?? DatacenterOptions.defaultMACPrefix }

    /// The VMIDs `/cluster/nextid` picks from (`next-id`: lower inclusive, upper exclusive).
    public var nextIDRange: Range<Int> {
        let values = propertyValues("next-id") ?? [:]
        let lower = values["lower"].flatMap { Int($0) } ?? DatacenterOptions.defaultNextID.lower
        let upper = values["upper"].flatMap { Int($0) } ?? DatacenterOptions.defaultNextID.upper
        return lower..<max(lower, upper)
    }

    /// A random unicast, locally administered address whose first characters are replaced by
    /// `macPrefix`, the way Proxmox lets a prefix cover whole and half bytes (`BC:24:11:0`).
    public func randomMAC() -> String {
        var bytes = (0..<6).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = (bytes[0] & 0xFE) | 0x02
        let random = bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
        let prefix = macPrefix.uppercased()
        return prefix + random.dropFirst(min(prefix.count, random.count))
    }

    /// The value of `key` for `GET /cluster/options`: property strings as objects with typed
    /// members, integers and booleans as numbers.
    public func jsonValue(_ key: String) -> JSONValue? {
        guard let text = options[key] else { return key == "description" ? description.map(JSONValue.string) : nil }
        guard let schema = DatacenterOptions.schemas[key] else { return .string(text) }
        if case .propertyString(let keys)? = schema.format, let values = propertyValues(key) {
            return .object(
                values.reduce(into: [String: JSONValue]()) { result, entry in
                    result[entry.key] = Self.typed(entry.value, keys[entry.key]?.type)
                })
        }
        return Self.typed(text, schema.type)
    }

    static func typed(_ text: String, _ type: SchemaType?) -> JSONValue {
        switch type {
        case .integer?, .boolean?: return Int(text).map(JSONValue.int) ?? .string(text)
        case .number?: return Int(text).map(JSONValue.int) ?? Double(text).map(JSONValue.double) ?? .string(text)
        default: return .string(text)
        }
    }
}
