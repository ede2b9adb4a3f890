import FaroModel
import FaroSchema

/// A command-line mistake, printed with the usage.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    /// How Proxmox's CLIs word the same mistake (Getopt's line, then the `400` exception's
    /// text), for the tools that speak as they do; pvesh keeps `message`.
    public let proxmoxText: String?
    public init(_ message: String, proxmox: String? = nil) {
        self.message = message
        self.proxmoxText = proxmox
    }
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
                throw UsageError("unexpected argument '\(argument)'", proxmox: "400 too many arguments\n")
            }
            var name = String(argument.drop(while: { $0 == "-" }))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let property = properties[name], !fixed.contains(name) else {
                throw UsageError("unknown option '\(argument)'", proxmox: "Unknown option: \(name)\n400 unable to parse option\n")
            }
            if value == nil {
                if property.type == .boolean,
                    index >= arguments.count || parseBoolean(arguments[index]) == nil
                {
                    value = "1"
                } else {
                    guard index < arguments.count else {
                        throw UsageError(
                            "option '\(argument)' requires a value",
                            proxmox: "Option \(name) requires an argument\n400 unable to parse option\n")
                    }
                    value = arguments[index]
                    index += 1
                }
            }
            var text = value!
            if property.type == .boolean {
                guard let flag = parseBoolean(text) else {
                    throw UsageError(
                        "option '\(argument)': unable to parse boolean '\(text)'",
                        proxmox: "400 Parameter verification failed.\n\(name): type check ('boolean') failed - got '\(text)'\n")
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
