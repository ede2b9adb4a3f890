import FaroSchema

extension APISpec {
    static var groupRoleACLMethods: [APIMethod] {
        let group = Schema.string("Group id.", format: "pve-groupid")
        let role = Schema.string("Role id.", format: "pve-roleid")
        let realm = Schema.string("Realm id.", format: "pve-realm").length(max: 32)
        let realmFields: [String: Schema] = [
            "comment": Schema.string(maxLength: 4096).describe("Shown in the login form.").optional(),
            "default": Schema.boolean("Preselect this realm in the login form.").optional(),
            "case-sensitive": Schema.boolean("User names are case-sensitive.").defaulting(true).optional(),
            "tfa": Schema.propertyString([
                "type": Schema.enumeration(["oath"], "The second factor every user of the realm must have: `oath` (TOTP). Yubico OTP is not supported.").defaultKey(),
                "digits": Schema.integer("TOTP digits (legacy per-realm keys).", minimum: 6, maximum: 8).defaulting(6).optional(),
                "step": Schema.integer("TOTP time step in seconds (legacy per-realm keys).", minimum: 10).defaulting(30).optional(),
            ], "Require a second factor for every login of the realm.").length(max: 128).optional(),
        ]
        return [
            APIMethod(.get, "/access/groups", name: "index", description: "List groups.",
                returns: Schema.array(of: .object([
                    "groupid": group, "comment": Common.field(.string(), "Free text."),
                    "users": Common.field(.string(format: "pve-userid-list"), "Members, comma separated."),
                ])).with { $0.childLink = "{groupid}" },
                permissions: .anyUser(filter: "Groups on which you have 'User.Modify', 'Sys.Audit' or 'Group.Allocate'.")),
            APIMethod(.post, "/access/groups", name: "create_group", description: "Create a group.",
                parameters: .object(["groupid": group, "comment": Schema.string("Free text.").optional()]),
                permissions: .check(.privileges(path: "/access/groups", ["Group.Allocate"])), protected: true),
            APIMethod(.get, "/access/groups/{groupid}", name: "read_group", description: "A group and its members.",
                parameters: .object(["groupid": group]),
                returns: .object(["comment": Common.field(.string(), "Free text."), "members": .array(of: .string(format: "pve-userid"))]),
                permissions: .check(.privileges(path: "/access/groups", ["Sys.Audit", "Group.Allocate"], any: true))),
            APIMethod(.put, "/access/groups/{groupid}", name: "update_group", description: "Change a group's comment.",
                parameters: .object(["groupid": group, "comment": Schema.string("Free text.").optional()]),
                permissions: .check(.privileges(path: "/access/groups", ["Group.Allocate"])), protected: true),
            APIMethod(.delete, "/access/groups/{groupid}", name: "delete_group", description: "Delete a group and its ACL entries.",
                parameters: .object(["groupid": group]),
                permissions: .check(.privileges(path: "/access/groups", ["Group.Allocate"])), protected: true),
            APIMethod(.get, "/access/roles", name: "index", description: "List roles with their privileges.",
                returns: Schema.array(of: .object([
                    "roleid": role, "privs": Common.field(.string(format: "pve-priv-list"), "Privileges, comma separated."),
                    "special": Common.field(.boolean(), "A built-in role."),
                ])).with { $0.childLink = "{roleid}" },
                permissions: .anyUser(filter: nil)),
            APIMethod(.post, "/access/roles", name: "create_role", description: "Create a custom role.",
                parameters: .object(["roleid": role, "privs": Schema.string("Privileges.", format: "pve-priv-list").optional()]),
                permissions: .check(.privileges(path: "/access", ["Sys.Modify"])), protected: true),
            APIMethod(.get, "/access/roles/{roleid}", name: "read_role", description: "A role's privileges (privilege → 1).",
                parameters: .object(["roleid": role]), returns: Schema.object([:]).allowingAdditional(),
                permissions: .anyUser(filter: nil)),
            APIMethod(.put, "/access/roles/{roleid}", name: "update_role", description: "Change a custom role's privileges.",
                parameters: .object([
                    "roleid": role, "privs": Schema.string("Privileges.", format: "pve-priv-list").optional(),
                    "append": Schema.boolean("Add the privileges instead of replacing them.").requiring("privs").optional(),
                ]),
                permissions: .check(.privileges(path: "/access", ["Sys.Modify"])), protected: true),
            APIMethod(.delete, "/access/roles/{roleid}", name: "delete_role", description: "Delete a custom role.",
                parameters: .object(["roleid": role]),
                permissions: .check(.privileges(path: "/access", ["Sys.Modify"])), protected: true),
            APIMethod(.get, "/access/acl", name: "read_acl", description: "The access control list.",
                returns: .array(of: .object([
                    "path": .string("ACL path."), "type": .enumeration(["user", "group", "token"], "Kind of member."),
                    "ugid": .string("User, group or token id."), "roleid": .string("Role."),
                    "propagate": Common.field(.boolean(), "Inherited by sub-paths."),
                ])),
                permissions: .anyUser(filter: "Entries on paths where you may modify permissions.")),
            APIMethod(.put, "/access/acl", name: "update_acl", description: "Add or remove ACL entries.",
                parameters: .object([
                    "path": Schema.string("ACL path."),
                    "roles": Schema.string("Roles.", format: "pve-roleid-list"),
                    "users": Schema.string("Users.", format: "pve-userid-list").optional(),
                    "groups": Schema.string("Groups.", format: "pve-groupid-list").optional(),
                    "tokens": Schema.string("API tokens.", format: "pve-tokenid-list").optional(),
                    "propagate": Schema.boolean("Inherited by sub-paths.").defaulting(true).optional(),
                    "delete": Schema.boolean("Remove the entries instead of adding them.").optional(),
                ]),
                permissions: .check(.permissionsModify(pathParam: "path")), protected: true),
            APIMethod(.get, "/access/domains", name: "index", description: "Authentication realms (for the login form).",
                returns: Schema.array(of: .object([
                    "realm": .string("Realm id."), "type": .string("Realm type."),
                    "comment": Common.field(.string(), "Shown in the login form."),
                    "default": Common.field(.boolean(), "The preselected realm."),
                    "tfa": Common.field(.string(), "Two-factor provider."),
                ])).with { $0.childLink = "{realm}" },
                permissions: .world),
            APIMethod(.get, "/access/domains/{realm}", name: "read", description: "A realm's settings.",
                parameters: .object(["realm": realm]), returns: Schema.object([:]).allowingAdditional(),
                permissions: .check(.privileges(path: "/access/realm", ["Realm.Allocate", "Sys.Audit"], any: true))),
            APIMethod(.put, "/access/domains/{realm}", name: "update", description: "Change a realm's settings.",
                parameters: Schema.object(["realm": realm, "delete": Schema.string("Settings to reset.", format: "pve-configid-list").optional(),
                    "digest": Schema.string("Change only if the realm config still has this digest.", maxLength: 64).optional()])
                    .adding(realmFields),
                permissions: .check(.privileges(path: "/access/realm", ["Realm.Allocate"])), protected: true),
        ]
    }
}
