import FaroConfig

/// One storage as `storage.cfg` defines it: its type, id and options, with typed accessors for
/// the options every plugin shares. Options stay text so unknown ones survive a rewrite.
public struct StorageDefinition: Sendable, Equatable {
    public var section: SectionConfig.Section

    public init(section: SectionConfig.Section) { self.section = section }

    public init(type: String, id: String, options: [(String, String)]) {
        section = SectionConfig.Section(type: type, id: id, options: options)
    }

    public var id: String { section.id }
    public var type: String { section.type }
    public subscript(option: String) -> String? {
        get { section[option] }
        set { section[option] = newValue }
    }

    /// The configured content, or the plugin's default when `content` is absent.
    public func content(default fallback: Set<ContentType>) -> Set<ContentType> {
        guard let text = section["content"] else { return fallback }
        return (try? ContentType.parseList(text).get()) ?? []
    }

    /// nil: every node.
    public var nodes: Set<String>? {
        section["nodes"].map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    public func isAvailable(on node: String) -> Bool { nodes?.contains(node) ?? true }
    public var isDisabled: Bool { Self.flag(section["disable"]) }
    public var isShared: Bool { Self.flag(section["shared"]) }
    public var path: String? { section["path"] }

    /// A storage.cfg boolean: `1`, `yes`, `on` or `true`.
    public static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "yes", "on", "true"].contains(value.lowercased())
    }
}
