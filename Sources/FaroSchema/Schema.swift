import FaroModel

/// The JSON types of Proxmox's schema dialect.
public enum SchemaType: String, Sendable {
    case string, integer, number, boolean, object, array, null, any
}

/// How a string's content is checked: a registered format name (`pve-vmid`, `pve-vmid-list`,
/// `mac-addr`, ...) or a property string such as `model=virtio,bridge=vmbr0`.
public enum SchemaFormat: Sendable {
    case named(String)
    case propertyString([String: Schema])
}

/// One node of Proxmox's JSON schema dialect (draft-02 plus `optional`, `format`, `typetext`,
/// `default_key`, `alias`, ...). Declarations build these with the static constructors and the
/// modifier methods, e.g. `.integer(minimum: 100).describe("The (unique) ID of the VM.").optional()`.
public struct Schema: Sendable {
    /// The fields live in a shared, copy-on-write box: a schema is one pointer, so the option
    /// tables (a container's `mp0`...`mp255`, a VM's disks and NICs) and the parameter objects
    /// that merge them hold pointers to shared schemas rather than hundreds of bytes per key.
    private struct Fields: Sendable {
        var type: SchemaType
        var description: String?
        var verboseDescription: String?
        var isOptional: Bool = false
        var defaultValue: JSONValue?
        var enumValues: [String]?
        var pattern: String?
        var format: SchemaFormat?
        var minimum: Double?
        var maximum: Double?
        var minLength: Int?
        var maxLength: Int?
        var properties: [String: Schema]?
        var additionalProperties: Bool = false
        var typetext: String?
        var formatDescription: String?
        var requires: String?
        var childLink: String?
        var isDefaultKey: Bool = false
        var alias: String?
        var items: Schema?
        var allowsLineBreaks: Bool = false
    }

    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    public init(type: SchemaType) { box = Box(Fields(type: type)) }

    /// Changes the fields, copying them first where another schema shares them.
    private mutating func change(_ body: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        body(&box.fields)
    }

    public var type: SchemaType {
        get { box.fields.type }
        set { change { $0.type = newValue } }
    }
    public var description: String? {
        get { box.fields.description }
        set { change { $0.description = newValue } }
    }
    public var verboseDescription: String? {
        get { box.fields.verboseDescription }
        set { change { $0.verboseDescription = newValue } }
    }
    public var isOptional: Bool {
        get { box.fields.isOptional }
        set { change { $0.isOptional = newValue } }
    }
    public var defaultValue: JSONValue? {
        get { box.fields.defaultValue }
        set { change { $0.defaultValue = newValue } }
    }
    public var enumValues: [String]? {
        get { box.fields.enumValues }
        set { change { $0.enumValues = newValue } }
    }
    public var pattern: String? {
        get { box.fields.pattern }
        set { change { $0.pattern = newValue } }
    }
    public var format: SchemaFormat? {
        get { box.fields.format }
        set { change { $0.format = newValue } }
    }
    public var minimum: Double? {
        get { box.fields.minimum }
        set { change { $0.minimum = newValue } }
    }
    public var maximum: Double? {
        get { box.fields.maximum }
        set { change { $0.maximum = newValue } }
    }
    public var minLength: Int? {
        get { box.fields.minLength }
        set { change { $0.minLength = newValue } }
    }
    public var maxLength: Int? {
        get { box.fields.maxLength }
        set { change { $0.maxLength = newValue } }
    }
    public var properties: [String: Schema]? {
        get { box.fields.properties }
        set { change { $0.properties = newValue } }
    }
    public var additionalProperties: Bool {
        get { box.fields.additionalProperties }
        set { change { $0.additionalProperties = newValue } }
    }
    public var typetext: String? {
        get { box.fields.typetext }
        set { change { $0.typetext = newValue } }
    }
    public var formatDescription: String? {
        get { box.fields.formatDescription }
        set { change { $0.formatDescription = newValue } }
    }
    /// Another parameter that must be present when this one is.
    public var requires: String? {
        get { box.fields.requires }
        set { change { $0.requires = newValue } }
    }
    /// For index methods: the child link template, e.g. `{subdir}`.
    public var childLink: String? {
        get { box.fields.childLink }
        set { change { $0.childLink = newValue } }
    }
    /// Property-string keys: written without `key=`.
    public var isDefaultKey: Bool {
        get { box.fields.isDefaultKey }
        set { change { $0.isDefaultKey = newValue } }
    }
    /// Property-string keys: another name that is rewritten to this key.
    public var alias: String? {
        get { box.fields.alias }
        set { change { $0.alias = newValue } }
    }
    /// Strings: line breaks and tabs are allowed (notes and descriptions, which their files
    /// encode). Every other string refuses all control characters.
    public var allowsLineBreaks: Bool {
        get { box.fields.allowsLineBreaks }
        set { change { $0.allowsLineBreaks = newValue } }
    }
    /// For arrays: the schema of the elements.
    public var items: Schema? {
        get { box.fields.items }
        set { change { $0.items = newValue } }
    }
}

// MARK: - Constructors

extension Schema {
    public static func string(
        _ description: String? = nil, format: String? = nil, pattern: String? = nil,
        maxLength: Int? = nil, enumValues: [String]? = nil
    ) -> Schema {
        var schema = Schema(type: .string)
        schema.description = description
        schema.format = format.map(SchemaFormat.named)
        schema.pattern = pattern
        schema.maxLength = maxLength
        schema.enumValues = enumValues
        return schema
    }

    public static func enumeration(_ values: [String], _ description: String? = nil) -> Schema {
        .string(description, enumValues: values)
    }

    public static func integer(_ description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> Schema {
        var schema = Schema(type: .integer)
        schema.description = description
        schema.minimum = minimum.map(Double.init)
        schema.maximum = maximum.map(Double.init)
        return schema
    }

    public static func number(_ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> Schema {
        var schema = Schema(type: .number)
        schema.description = description
        schema.minimum = minimum
        schema.maximum = maximum
        return schema
    }

    public static func boolean(_ description: String? = nil) -> Schema {
        var schema = Schema(type: .boolean)
        schema.description = description
        return schema
    }

    public static func object(_ properties: [String: Schema], _ description: String? = nil) -> Schema {
        var schema = Schema(type: .object)
        schema.description = description
        schema.properties = properties
        return schema
    }

    public static func array(of items: Schema, _ description: String? = nil) -> Schema {
        var schema = Schema(type: .array)
        schema.description = description
        schema.items = items
        return schema
    }

    public static func propertyString(_ keys: [String: Schema], _ description: String? = nil) -> Schema {
        var schema = Schema(type: .string)
        schema.description = description
        schema.format = .propertyString(keys)
        return schema
    }

    public static var null: Schema { Schema(type: .null) }
    public static var any: Schema { Schema(type: .any) }

    /// The standard empty parameter list.
    public static var noParameters: Schema { .object([:]) }

    /// A directory (index) result: a list of objects linked to children by `link` (`{subdir}`).
    public static func index(link: String = "{subdir}", properties: [String: Schema]? = nil) -> Schema {
        let key = String(link.dropFirst().dropLast())
        var item = Schema.object(properties ?? [key: .string()])
        item.additionalProperties = true
        var schema = Schema.array(of: item)
        schema.childLink = link
        return schema
    }
}

// MARK: - Modifiers

extension Schema {
    public func optional(_ flag: Bool = true) -> Schema { with { $0.isOptional = flag } }
    public func describe(_ text: String) -> Schema { with { $0.description = text } }
    public func verbose(_ text: String) -> Schema { with { $0.verboseDescription = text } }
    public func defaulting(_ value: JSONValue) -> Schema { with { $0.defaultValue = value } }
    public func typetext(_ text: String) -> Schema { with { $0.typetext = text } }
    public func defaultKey() -> Schema { with { $0.isDefaultKey = true } }
    public func requiring(_ key: String) -> Schema { with { $0.requires = key } }
    public func allowingAdditional() -> Schema { with { $0.additionalProperties = true } }
    public func formatDescription(_ word: String) -> Schema { with { $0.formatDescription = word } }
    /// A text of several lines (notes, descriptions, SSH keys).
    public func multiline() -> Schema { with { $0.allowsLineBreaks = true } }
    public func length(min: Int? = nil, max: Int? = nil) -> Schema {
        with {
            $0.minLength = min
            $0.maxLength = max
        }
    }

    public func with(_ change: (inout Schema) -> Void) -> Schema {
        var copy = self
        change(&copy)
        return copy
    }

    /// Merges more properties into an object schema (shared option sets).
    public func adding(_ more: [String: Schema]) -> Schema {
        with { $0.properties = ($0.properties ?? [:]).merging(more) { _, new in new } }
    }
}
