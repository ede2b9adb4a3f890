import FaroModel

extension Schema {
    /// The short synopsis shown in usage text: `<integer> (100 - 999999999)`, `<a | b>`, ...
    public var typeText: String {
        if let typetext { return typetext }
        if let enumValues { return "<" + enumValues.joined(separator: " | ") + ">" }
        if let formatDescription { return "<\(formatDescription)>" }
        if case .propertyString(let keys) = format { return Self.propertySynopsis(keys) }
        switch type {
        case .integer, .number:
            let name = "<\(type.rawValue)>"
            switch (minimum, maximum) {
            case (let low?, let high?):
                return "\(name) (\(JSONValue.double(low).displayText) - \(JSONValue.double(high).displayText))"
            case (let low?, nil): return "\(name) (\(JSONValue.double(low).displayText) - N)"
            case (nil, let high?): return "\(name) (-N - \(JSONValue.double(high).displayText))"
            case (nil, nil): return name
            }
        case .boolean: return "<boolean>"
        default:
            if case .named(let name) = format { return "<\(name)>" }
            return "<\(type.rawValue)>"
        }
    }

    /// `[model=]<enum> [,bridge=<bridge>] ...`: default key first, required keys, then optional sorted.
    static func propertySynopsis(_ keys: [String: Schema]) -> String {
        var parts: [String] = []
        let visible = keys.filter { $0.value.alias == nil }
        if let (key, schema) = visible.first(where: { $0.value.isDefaultKey }) {
            parts.append("[\(key)=]\(schema.typeText)")
        }
        let rest = visible.filter { !$0.value.isDefaultKey }
        for (key, schema) in rest.filter({ !$0.value.isOptional }).sorted(by: { $0.key < $1.key }) {
            parts.append((parts.isEmpty ? "" : ",") + "\(key)=\(schema.typeText)")
        }
        for (key, schema) in rest.filter({ $0.value.isOptional }).sorted(by: { $0.key < $1.key }) {
            parts.append("[" + (parts.isEmpty ? "" : ",") + "\(key)=\(schema.typeText)]")
        }
        return parts.joined(separator: " ")
    }

    /// The schema as an OpenAPI 3.1 / JSON Schema object. Proxmox booleans are 0/1 on the wire,
    /// so they are described as integers limited to 0 and 1.
    public var openAPISchema: JSONValue {
        var out: [String: JSONValue] = [:]
        switch type {
        case .boolean:
            out["type"] = "integer"
            out["enum"] = [0, 1]
            out["x-pve-type"] = "boolean"
        case .any: break
        case .null: out["type"] = "null"
        default: out["type"] = .string(type.rawValue)
        }
        if let description { out["description"] = .string(description) }
        if let verboseDescription { out["x-pve-verbose-description"] = .string(verboseDescription) }
        if let defaultValue { out["default"] = type == .boolean ? .int(defaultValue.boolValue == true ? 1 : 0) : defaultValue }
        if let enumValues, type != .boolean {
            out["enum"] = .array(enumValues.map { type == .integer ? (Int($0).map(JSONValue.int) ?? .string($0)) : .string($0) })
        }
        if let pattern { out["pattern"] = .string("^(?:\(pattern))$") }
        if let minimum { out["minimum"] = type == .integer ? .int(Int(minimum)) : .double(minimum) }
        if let maximum { out["maximum"] = type == .integer ? .int(Int(maximum)) : .double(maximum) }
        if let minLength { out["minLength"] = .int(minLength) }
        if let maxLength { out["maxLength"] = .int(maxLength) }
        switch format {
        case .named(let name): out["format"] = .string(name)
        case .propertyString(let keys):
            out["x-pve-property-string"] = .object(keys.mapValues { $0.openAPISchema })
            out["x-pve-typetext"] = .string(Self.propertySynopsis(keys))
        case nil: break
        }
        if type == .object {
            var props: [String: JSONValue] = [:]
            for (name, schema) in properties ?? [:] { props[name] = schema.openAPISchema }
            if !props.isEmpty { out["properties"] = .object(props) }
            let required = (properties ?? [:]).filter { !$0.value.isOptional }.keys.sorted()
            if !required.isEmpty { out["required"] = .array(required.map(JSONValue.string)) }
            out["additionalProperties"] = .bool(additionalProperties || properties == nil)
        }
        if type == .array { out["items"] = items?.openAPISchema ?? [:] }
        if let childLink { out["x-pve-child-link"] = .string(childLink) }
        return .object(out)
    }
}
