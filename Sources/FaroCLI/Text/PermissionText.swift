import FaroModel
import FaroSchema

/// `pveum user permissions` / `pveum user token permissions` in text form: a table of ACL
/// paths with their privileges one a line, `(*)` marking those that propagate.
enum PermissionText {
    static let render: CLICommand.Printer = { data, _, tables in
        let paths = data.objectValue ?? [:]
        let rows: [JSONValue] = paths.keys.sorted().map { path in
            let privileges = paths[path]?.objectValue ?? [:]
            let lines = privileges.keys.sorted().map { Printf.isTrue(privileges[$0]) ? "\($0) (*)" : $0 }
            return ["ACL path": .string(path), "Permissions": .string(lines.joined(separator: "\n"))]
        }
        let schema = Schema.array(of: .object(["ACL path": .string(), "Permissions": .string()]))
        return tables.render(.array(rows), returns: schema) + "Permissions marked with '(*)' have the 'propagate' flag set.\n"
    }
}
