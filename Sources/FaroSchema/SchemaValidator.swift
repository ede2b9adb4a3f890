import FaroModel

/// Parameter errors keyed by parameter path (`net0`, `net0.bridge`), in Proxmox's wording.
public struct ParameterErrors: Error, Sendable, Equatable {
    public var errors: [String: String]
    public init(_ errors: [String: String]) { self.errors = errors }
}

/// Checks request parameters against a method's parameter schema the way Proxmox does and
/// normalises them: form strings become integers, numbers and booleans, scalars for array
/// parameters are wrapped, lists for `-list` formats are joined.
public enum SchemaValidator {
    public static func validateParameters(
        _ input: [String: JSONValue], schema: Schema
    ) throws(ParameterErrors) -> [String: JSONValue] {
        var errors: [String: String] = [:]
        var output: [String: JSONValue] = [:]
        let properties = schema.properties ?? [:]
        for (name, value) in input {
            guard let property = properties[name] else {
                if !schema.additionalProperties {
                    errors[name] = "property is not defined in schema and the schema does not allow additional properties"
                } else {
                    output[name] = value
                }
                continue
            }
            if let normalized = check(normalizeLegacy(value, property), schema: property, path: name, errors: &errors) {
                output[name] = normalized
            }
        }
        for (name, property) in properties where input[name] == nil && !property.isOptional {
            errors[name] = "property is missing and it is not optional"
        }
        for (name, property) in properties where output[name] != nil {
            if let required = property.requires, input[required] == nil, errors[required] == nil {
                errors[required] = "missing property - '\(name)' requires this property"
            }
        }
        guard errors.isEmpty else { throw ParameterErrors(errors) }
        return output
    }

    /// Proxmox's legacy normalisation: an array of plain values for a `-list` string format is
    /// joined with `,`; a scalar for an array type is wrapped.
    static func normalizeLegacy(_ value: JSONValue, _ schema: Schema) -> JSONValue {
        switch (value, schema.type) {
        case (.array(let items), .string):
            // Only a list of plain values is a list; `[null]` or nested lists are no string.
            let scalars = items.allSatisfy {
                switch $0 {
                case .string, .int, .double: return true
                default: return false
                }
            }
            if scalars, case .named(let format) = schema.format, format.hasSuffix("-list") {
                return .string(items.map(\.displayText).joined(separator: ","))
            }
            return value
        case (.array, .array), (.null, .array): return value
        case (_, .array): return .array([value])
        default: return value
        }
    }

    /// Checks one value, recording problems under `path`; returns the normalised value.
    public static func check(
        _ value: JSONValue, schema: Schema, path: String, errors: inout [String: String]
    ) -> JSONValue? {
        switch schema.type {
        case .any: return value
        case .null:
            guard value.isNull else { errors[path] = "type check ('null') failed"; return nil }
            return value
        case .boolean: return checkBoolean(value, path: path, errors: &errors)
        case .integer, .number: return checkNumber(value, schema: schema, path: path, errors: &errors)
        case .string: return checkString(value, schema: schema, path: path, errors: &errors)
        case .array: return checkArray(value, schema: schema, path: path, errors: &errors)
        case .object: return checkObject(value, schema: schema, path: path, errors: &errors)
        }
    }

    static func checkBoolean(_ value: JSONValue, path: String, errors: inout [String: String]) -> JSONValue? {
        switch value {
        case .bool: return value
        case .int(let number) where number == 0 || number == 1: return .bool(number == 1)
        case .string("1"): return .bool(true)
        case .string("0"): return .bool(false)
        default:
            errors[path] = "type check ('boolean') failed - got \(shown(value))"
            return nil
        }
    }

    static func checkNumber(
        _ value: JSONValue, schema: Schema, path: String, errors: inout [String: String]
    ) -> JSONValue? {
        let typeName = schema.type.rawValue
        var number: JSONValue?
        switch value {
        case .int: number = value
        case .double(let double):
            // 1e19 is a whole number but no Int: Int(exactly:) refuses it instead of trapping.
            number = schema.type == .integer ? Int(exactly: double).map(JSONValue.int) : (double.isFinite ? value : nil)
        case .string(let text):
            number = schema.type == .integer ? parseInteger(text).map(JSONValue.int) : parseNumber(text).map(JSONValue.double)
        default: number = nil
        }
        guard let number, let numeric = number.doubleValue else {
            errors[path] = "type check ('\(typeName)') failed - got \(shown(value))"
            return nil
        }
        if let minimum = schema.minimum, numeric < minimum {
            errors[path] = "value must have a minimum value of \(JSONValue.double(minimum).displayText)"
            return nil
        }
        if let maximum = schema.maximum, numeric > maximum {
            errors[path] = "value must have a maximum value of \(JSONValue.double(maximum).displayText)"
            return nil
        }
        if let enumValues = schema.enumValues, !enumValues.contains(number.displayText) {
            errors[path] = "value '\(number.displayText)' does not have a value in the enumeration '\(enumValues.joined(separator: ", "))'"
            return nil
        }
        return number
    }

    static func parseInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitChar) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    static func parseNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCIIDigitChar || "+-.eE".contains($0) }) else { return nil }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }

    static func checkString(
        _ value: JSONValue, schema: Schema, path: String, errors: inout [String: String]
    ) -> JSONValue? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int, .double: text = value.displayText
        default:
            errors[path] = "type check ('string') failed - got \(shown(value))"
            return nil
        }
        if let reason = controlCharacterProblem(text, multiline: schema.allowsLineBreaks) {
            errors[path] = reason
            return nil
        }
        if let maxLength = schema.maxLength, text.count > maxLength {
            errors[path] = "value may only be \(maxLength) characters long"
            return nil
        }
        if let minLength = schema.minLength, text.count < minLength {
            errors[path] = "value must be at least \(minLength) characters long"
            return nil
        }
        if let enumValues = schema.enumValues, !enumValues.contains(text) {
            errors[path] = "value '\(text)' does not have a value in the enumeration '\(enumValues.joined(separator: ", "))'"
            return nil
        }
        if let pattern = schema.pattern, !matches(text, pattern: pattern) {
            errors[path] = "value does not match the regex pattern"
            return nil
        }
        switch schema.format {
        case .named(let name):
            if let reason = Formats.check(name, text) {
                errors[path] = "invalid format - \(reason)"
                return nil
            }
        case .propertyString(let keys):
            do {
                _ = try PropertyString.parse(text, keys: keys)
            } catch {
                let details = error.keyErrors.keys.sorted().map { "\(path).\($0): \(error.keyErrors[$0]!)" }
                errors[path] = (["invalid format - \(error.message)"] + details).joined(separator: "\n")
                return nil
            }
        case nil: break
        }
        return .string(text)
    }

    /// A refused value as an error message shows it: quoted and cut short, a repeated
    /// parameter (an array where one value belongs) by its count, so an error never grows
    /// with the request.
    static func shown(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "a list of \(items.count) values"
        case .object: return "an object"
        default:
            let text = value.displayText
            return text.count > 64 ? "'\(text.prefix(64))...'" : "'\(text)'"
        }
    }

    /// Why `text` cannot be a parameter value: a line break in a one-line value, or any other
    /// control character (NUL, ESC, DEL, ...). Multi-line texts may hold line breaks and tabs.
    static func controlCharacterProblem(_ text: String, multiline: Bool) -> String? {
        for scalar in text.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            if multiline, scalar == "\n" || scalar == "\r" || scalar == "\t" { continue }
            if scalar == "\n" || scalar == "\r" { return "value must be a single line" }
            return "value must not contain control characters"
        }
        return nil
    }

    static func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = try? Regex("^(?:" + pattern + ")$") else { return false }
        return (try? regex.wholeMatch(in: text)) != nil
    }

    static func checkArray(
        _ value: JSONValue, schema: Schema, path: String, errors: inout [String: String]
    ) -> JSONValue? {
        guard case .array(let items) = value else {
            errors[path] = "type check ('array') failed"
            return nil
        }
        guard let itemSchema = schema.items else { return value }
        var output: [JSONValue] = []
        for (index, item) in items.enumerated() {
            guard let checked = check(item, schema: itemSchema, path: "\(path)[\(index)]", errors: &errors) else {
                return nil
            }
            output.append(checked)
        }
        return .array(output)
    }

    static func checkObject(
        _ value: JSONValue, schema: Schema, path: String, errors: inout [String: String]
    ) -> JSONValue? {
        guard case .object(let members) = value else {
            errors[path] = "type check ('object') failed"
            return nil
        }
        do {
            return .object(try validateParameters(members, schema: schema))
        } catch {
            for (key, message) in error.errors { errors["\(path).\(key)"] = message }
            return nil
        }
    }
}
