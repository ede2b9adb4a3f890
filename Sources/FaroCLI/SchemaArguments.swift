import FaroModel
import FaroSchema

/// A command-line mistake, printed with the usage.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns `--name value` options into API parameters using the method's schema, with
/// Proxmox's CLI rules: `-name` works too, `--name=value` too, a boolean without a value
/// means 1, booleans also accept yes/no/on/off/true/false, repeated options make a list.
public enum SchemaArguments {
    public static func parse(_ arguments: [String], schema: Schema, skipping fixed: Set<String> = []) throws(UsageError) -> [String: JSONValue] {
        let properties = schema.properties ?? [:]
        var result: [String: JSONValue] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument.count > 1 else {
                throw UsageError("unexpected argument '\(argument)'")
            }
            var name = String(argument.drop(while: { $0 == "-" }))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let property = properties[name], !fixed.contains(name) else {
                throw UsageError("unknown option '\(argument)'")
            }
            if value == nil {
                if property.type == .boolean,
                    index >= arguments.count || parseBoolean(arguments[index]) == nil
                {
                    value = "1"
                } else {
                    guard index < arguments.count else { throw UsageError("option '\(argument)' requires a value") }
                    value = arguments[index]
                    index += 1
                }
            }
            var text = value!
            if property.type == .boolean {
                guard let flag = parseBoolean(text) else {
                    throw UsageError("option '\(argument)': unable to parse boolean '\(text)'")
                }
                text = flag ? "1" : "0"
            }
            switch result[name] {
            case nil: result[name] = .string(text)
            case .array(let items)?: result[name] = .array(items + [.string(text)])
            case let existing?: result[name] = .array([existing, .string(text)])
            }
        }
        return result
    }

    /// Proxmox's `parse_boolean`: 1/on/yes/true and 0/off/no/false, case-insensitive.
    public static func parseBoolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "on", "yes", "true": return true
        case "0", "off", "no", "false": return false
        default: return nil
        }
    }
}
