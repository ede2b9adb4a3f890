import Foundation
import FaroAPISpec
import FaroSchema

/// Usage text generated from a method declaration, in the layout of Proxmox's CLI help.
public enum Usage {
    static let verbs: [(HTTPVerb, String)] = [(.get, "get"), (.put, "set"), (.post, "create"), (.delete, "delete")]

    public static func text(for method: APIMethod, command: String, verbose: Bool) -> String {
        let pathVariables = Set(method.pathVariables)
        let options = (method.parameters.properties ?? [:]).filter { !pathVariables.contains($0.key) }
        let required = options.filter { !$0.value.isOptional }.keys.sorted()
        let optional = options.filter { $0.value.isOptional }.keys.sorted()
        var synopsis = "USAGE: \(command)"
        for name in required { synopsis += " --\(name) \(options[name]!.typeText)" }
        if !optional.isEmpty { synopsis += "  [OPTIONS]" }
        guard verbose else { return synopsis + "\n" }
        var out = synopsis + "\n\n" + indent(method.description, by: 2) + "\n"
        for name in required + optional {
            let schema = options[name]!
            let head = "  --\(name)"
            out += "\n" + head.padding(toLength: max(head.count + 1, 16), withPad: " ", startingAt: 0) + schema.typeText
            if let defaultValue = schema.defaultValue { out += " (default=\(defaultValue.displayText))" }
            out += "\n"
            if let description = schema.description { out += "\n" + indent(description, by: 16) + "\n" }
        }
        return out
    }

    static func indent(_ text: String, by width: Int) -> String {
        let pad = String(repeating: " ", count: width)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}
