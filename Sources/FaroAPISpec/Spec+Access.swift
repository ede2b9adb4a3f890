import FaroSchema

extension APISpec {
    static let userID = Schema.string("Full user id, `name@realm`.", format: "pve-userid", maxLength: 64)
    static let tokenName = Schema.string("Token name, the part after `!`.", pattern: "[A-Za-z][A-Za-z0-9\\.\\-_]+")
    static let userFields: [String: Schema] = [
        "comment": Schema.string(maxLength: 2048).describe("Free text.").optional(),
        "email": Schema.string(format: "email-opt", maxLength: 254).describe("E-mail address.").optional(),
        "enable": Schema.boolean("Whether the account may log in.").defaulting(true).optional(),
        "expire": Schema.integer("Account expiry (epoch); 0 means never.", minimum: 0).optional(),
        "firstname": Schema.string(maxLength: 1024).describe("First name.").optional(),
        "lastname": Schema.string(maxLength: 1024).describe("Last name.").optional(),
        "groups": Schema.string("Groups the user belongs to.", format: "pve-groupid-list").optional(),
        "keys": Schema.string("Two-factor keys (legacy).", pattern: "[0-9a-zA-Z!=]{0,4096}").optional(),
    ]
    static let tokenInfo = Schema.object([
        "comment": Common.field(.string(), "Free text."),
        "expire": Common.field(.integer(minimum: 0), "Token expiry (epoch); 0 means never."),
        "privsep": Common.field(.boolean(), "Privilege separation: the token gets the intersection of its own and its user's permissions."),
    ])
    /// Proxmox's `userid-group`: the privileges on /access/groups, or on a group of the user.
    static func userGroupCheck(_ privileges: [String]) -> PermissionCheck {
        .or([
            .privileges(path: "/access/groups", privileges, any: true),
            .userInGroupWith(param: "userid", privileges),
        ])
    }

    static var accessMethods: [APIMethod] {
        let byUser = Schema.object(["userid": userID])
        let byToken = Schema.object(["userid": userID, "tokenid": tokenName])
        let selfOrModify = PermissionCheck.or([.selfUser(param: "userid"), userGroupCheck(["User.Modify"])])
        return [
            APIMethod(.get, "/access", name: "index", description: "Directory index of access control.",
                returns: .index(), permissions: .anyUser(filter: nil)),
            APIMethod(.get, "/access/ticket", name: "get_ticket",
                description: "A no-op that lets login forms check that the API answers.", permissions: .world),
            APIMethod(.post, "/access/ticket", name: "create_ticket",
                description: "Log in: check a user name and password (or a still valid ticket, to renew it) and return a ticket and a CSRF prevention token.",
                parameters: .object([
                    "username": Schema.string("User name, with or without `@realm`.", maxLength: 64),
                    "password": Schema.string("The password, or a valid ticket of the same user to renew it."),
                    "realm": Schema.string("Realm, appended to a user name without `@`.", format: "pve-realm").length(max: 32).optional(),
                    "otp": Schema.string("Legacy one-step second factor: a TOTP code (or `<type>:<value>`) sent with the password.").optional(),
                    "new-format": Schema.boolean("Accepted for compatibility; always the new format.").defaulting(true).optional(),
                    "tfa-challenge": Schema.string("The half ticket of a `NeedTFA` answer; `password` is then `totp:<code>`, `recovery:<key>` or `webauthn:<json>`.").optional(),
                    "path": Schema.string("Verify this ACL path instead of logging in (with `privs`).", maxLength: 64).requiring("privs").optional(),
                    "privs": Schema.string("Privileges to verify on `path`.", format: "pve-priv-list", maxLength: 64).requiring("path").optional(),
                ]),
                returns: .object([
                    "username": .string("The authenticated user id."),
                    "ticket": Common.field(.string(), "The ticket, for the PVEAuthCookie cookie."),
                    "CSRFPreventionToken": Common.field(.string(), "Send this as the CSRFPreventionToken header on writes."),
                    "clustername": Common.field(.string(), "The cluster's name, when clustered."),
                    "cap": Common.field(.object([:]).allowingAdditional(), "Privileges per top-level area, for the GUI."),
                    "NeedTFA": Common.field(.integer(), "1 when `ticket` is a half ticket and a second factor must follow."),
                ]),
                permissions: .world, protected: true, allowToken: false),
            APIMethod(.put, "/access/password", name: "change_password",
                description: "Change a user's password (pve and pam realms).",
                parameters: .object([
                    "userid": userID,
                    "password": Schema.string("The new password.").length(min: 8, max: 64),
                    "confirmation-password": Schema.string("The caller's current password.").length(min: 5, max: 64).optional(),
                ]),
                permissions: .check(.or([.selfUser(param: "userid"), .and([
                    .privileges(path: "/access/realm/{realm-of:userid}", ["Realm.AllocateUser"]), userGroupCheck(["User.Modify"]),
                ])]), note: "Everyone may change their own password."),
                protected: true, allowToken: false),
            APIMethod(.get, "/access/permissions", name: "permissions",
                description: "The effective permissions of a user or token: path → privilege → propagate.",
                parameters: .object([
                    "userid": Schema.string("User or token id (default: the caller).",
                        pattern: "[^\\s:/]+@[A-Za-z][A-Za-z0-9\\.\\-_]+(?:![A-Za-z][A-Za-z0-9\\.\\-_]+)?").optional(),
                    "path": Schema.string("Only this path.").optional(),
                ]),
                returns: .object([:]).allowingAdditional(),
                permissions: .anyUser(filter: "Your own (and your tokens'); others need 'Sys.Audit' on /access.")),
            APIMethod(.get, "/access/users", name: "index", description: "List users.",
                parameters: .object([
                    "enabled": Schema.boolean("Only enabled (1) or disabled (0) users.").optional(),
                    "full": Schema.boolean("Include groups and tokens.").defaulting(false).optional(),
                ]),
                returns: Schema.array(of: Schema.object(["userid": userID]).adding(userFields.mapValues { $0.optional() })
                    .adding(["tokens": Common.field(.array(of: .object([:]).allowingAdditional()), "API tokens (with full=1)."),
                             "realm-type": Common.field(.string(), "Type of the user's realm.")])
                ).with { $0.childLink = "{userid}" },
                permissions: .anyUser(filter: "Users you may audit or modify, and yourself."), protected: true),
            APIMethod(.post, "/access/users", name: "create_user", description: "Create a user.",
                parameters: Schema.object(["userid": userID,
                    "password": Schema.string("Initial password (pve realm).").length(min: 8, max: 64).optional(),
                ]).adding(userFields),
                permissions: .check(.and([
                    .privileges(path: "/access/realm/{realm-of:userid}", ["Realm.AllocateUser"]),
                    .privileges(path: "/access/groups", ["User.Modify"]),
                ])), protected: true),
            APIMethod(.get, "/access/users/{userid}", name: "read_user", description: "A user's settings.",
                parameters: byUser,
                returns: Schema.object(userFields.mapValues { $0.optional() }).adding([
                    "groups": Common.field(.array(of: .string()), "Groups."),
                    "tokens": Common.field(.object([:]).allowingAdditional(), "API tokens by name."),
                ]),
                permissions: .check(.or([.selfUser(param: "userid"), userGroupCheck(["User.Modify", "Sys.Audit"])]))),
            APIMethod(.put, "/access/users/{userid}", name: "update_user", description: "Change a user's settings.",
                parameters: byUser.adding(userFields).adding([
                    "append": Schema.boolean("Add `groups` to the user's groups instead of replacing them.").requiring("groups").optional(),
                ]),
                permissions: .check(userGroupCheck(["User.Modify"])), protected: true),
            APIMethod(.delete, "/access/users/{userid}", name: "delete_user", description: "Delete a user with its tokens and ACL entries.",
                parameters: byUser,
                permissions: .check(.and([
                    .privileges(path: "/access/realm/{realm-of:userid}", ["Realm.AllocateUser"]), userGroupCheck(["User.Modify"]),
                ])), protected: true),
            APIMethod(.get, "/access/users/{userid}/token", name: "token_index", description: "A user's API tokens.",
                parameters: byUser,
                returns: Schema.array(of: tokenInfo.adding(["tokenid": tokenName])).with { $0.childLink = "{tokenid}" },
                permissions: .check(selfOrModify)),
            APIMethod(.get, "/access/users/{userid}/token/{tokenid}", name: "read_token", description: "One API token.",
                parameters: byToken, returns: tokenInfo, permissions: .check(selfOrModify)),
            APIMethod(.post, "/access/users/{userid}/token/{tokenid}", name: "generate_token",
                description: "Create an API token. Its secret is shown only in this answer.",
                parameters: byToken.adding([
                    "comment": Schema.string("Free text.").optional(),
                    "expire": Schema.integer("Expiry (epoch); default: the user's expiry; 0 means never.", minimum: 0).optional(),
                    "privsep": Schema.boolean("Privilege separation (the default).").defaulting(true).optional(),
                ]),
                returns: .object([
                    "full-tokenid": .string("`user@realm!name`."), "value": .string("The secret."), "info": tokenInfo,
                ]),
                permissions: .check(selfOrModify), protected: true),
            APIMethod(.put, "/access/users/{userid}/token/{tokenid}", name: "update_token_info",
                description: "Change an API token's comment, expiry or privilege separation.",
                parameters: byToken.adding([
                    "comment": Schema.string("Free text.").optional(),
                    "expire": Schema.integer("Expiry (epoch); 0 means never.", minimum: 0).optional(),
                    "privsep": Schema.boolean("Privilege separation.").optional(),
                    "delete": Schema.string("Settings to reset.", format: "pve-configid-list").optional(),
                ]),
                returns: tokenInfo, permissions: .check(selfOrModify), protected: true),
            APIMethod(.delete, "/access/users/{userid}/token/{tokenid}", name: "remove_token", description: "Delete an API token.",
                parameters: byToken, permissions: .check(selfOrModify), protected: true),
        ] + groupRoleACLMethods
    }
}
