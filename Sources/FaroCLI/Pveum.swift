import FaroAPISpec
import FaroModel

/// `pveum`: users, groups, roles, ACLs, pools, realms, API tokens and second factors, with Proxmox's
/// subcommands and argument shapes.
public enum Pveum {
    /// `pveum user token permissions <userid> <tokenid>` asks for the token `userid!tokenid`.
    static let tokenAsUser: @Sendable (inout [String: JSONValue]) -> HTTPVerb? = { parameters in
        if let token = parameters.removeValue(forKey: "tokenid"), let user = parameters["userid"] {
            parameters["userid"] = .string("\(user.displayText)!\(token.displayText)")
        }
        return nil
    }

    public static let tool = CommandTableTool(name: "pveum", commands: [
        CLICommand("user add", .post, "/access/users", positional: ["userid"], output: .quiet),
        CLICommand("user modify", .put, "/access/users/{userid}", positional: ["userid"], output: .quiet),
        CLICommand("user delete", .delete, "/access/users/{userid}", positional: ["userid"], output: .quiet),
        CLICommand("user list", .get, "/access/users"),
        CLICommand("user permissions", .get, "/access/permissions", positional: ["userid"],
            output: .formatted(PermissionText.render), optionalPositional: ["userid"]),
        CLICommand("user token add", .post, "/access/users/{userid}/token/{tokenid}", positional: ["userid", "tokenid"]),
        CLICommand("user token list", .get, "/access/users/{userid}/token", positional: ["userid"]),
        CLICommand("user token modify", .put, "/access/users/{userid}/token/{tokenid}", positional: ["userid", "tokenid"]),
        CLICommand("user token remove", .delete, "/access/users/{userid}/token/{tokenid}", positional: ["userid", "tokenid"],
            output: .quiet),
        CLICommand("user token permissions", .get, "/access/permissions", positional: ["userid", "tokenid"],
            output: .formatted(PermissionText.render), prepare: tokenAsUser),
        CLICommand("user tfa list", .get, "/access/tfa/{userid}", positional: ["userid"]),
        CLICommand("user tfa delete", .delete, "/access/tfa/{userid}/{id}", positional: ["userid"], output: .quiet),
        CLICommand("user tfa unlock", .put, "/access/users/{userid}/unlock-tfa", positional: ["userid"], output: .quiet),
        CLICommand("group add", .post, "/access/groups", positional: ["groupid"], output: .quiet),
        CLICommand("group modify", .put, "/access/groups/{groupid}", positional: ["groupid"], output: .quiet),
        CLICommand("group delete", .delete, "/access/groups/{groupid}", positional: ["groupid"], output: .quiet),
        CLICommand("group list", .get, "/access/groups"),
        CLICommand("role add", .post, "/access/roles", positional: ["roleid"], output: .quiet),
        CLICommand("role modify", .put, "/access/roles/{roleid}", positional: ["roleid"], output: .quiet),
        CLICommand("role delete", .delete, "/access/roles/{roleid}", positional: ["roleid"], output: .quiet),
        CLICommand("role list", .get, "/access/roles"),
        CLICommand("acl modify", .put, "/access/acl", positional: ["path"], output: .quiet),
        CLICommand("acl delete", .put, "/access/acl", positional: ["path"], fixed: ["delete": "1"], output: .quiet),
        CLICommand("acl list", .get, "/access/acl"),
        CLICommand("pool add", .post, "/pools", positional: ["poolid"], output: .quiet),
        CLICommand("pool modify", .put, "/pools", positional: ["poolid"], output: .quiet),
        CLICommand("pool delete", .delete, "/pools", positional: ["poolid"], output: .quiet),
        CLICommand("pool list", .get, "/pools"),
        CLICommand("realm list", .get, "/access/domains"),
        CLICommand("realm modify", .put, "/access/domains/{realm}", positional: ["realm"], output: .quiet),
        CLICommand("passwd", .put, "/access/password", positional: ["userid"], output: .quiet, prompted: ["password"]),
    ])
}
