import FaroSchema

/// Second factors: `/access/tfa` (Proxmox's TFA API over `tfa.cfg`) and the per-user TFA
/// summary and unlock below `/access/users/{userid}`.
extension APISpec {
    static var accessTFAMethods: [APIMethod] {
        let kind = Schema.enumeration(["totp", "u2f", "webauthn", "recovery", "yubico"], "TFA Entry Type.")
        let entry = Schema.object([
            "id": .string("The id used to reference this entry."), "type": kind,
            "description": .string("User chosen description for this entry."),
            "created": .integer("Creation time of this entry as unix epoch."),
            "enable": Schema.boolean("Whether this TFA entry is currently enabled.").defaulting(true).optional(),
        ])
        let entryID = Schema.string("A TFA entry id.")
        let password = Schema.string("The current password of the user performing the change (not needed by root@pam).")
            .length(min: 5, max: 64).optional()
        let description = Schema.string("A description to distinguish multiple entries from one another", maxLength: 255).optional()
        let mayView = PermissionCheck.or([.selfUser(param: "userid"), userGroupCheck(["User.Modify", "Sys.Audit"])])
        let mayEdit = PermissionCheck.or([.selfUser(param: "userid"), userGroupCheck(["User.Modify"])])
        return [
            APIMethod(.get, "/access/tfa", name: "list_tfa", description: "List TFA configurations of users.",
                returns: Schema.array(of: .object([
                    "userid": .string("User this entry belongs to."), "entries": .array(of: entry),
                    "totp-locked": Common.field(.boolean(), "True if the user is currently locked out of TOTP factors."),
                    "tfa-locked-until": Common.field(.integer(), "Contains a timestamp until when a user is locked out of 2nd factors."),
                ])).with { $0.childLink = "{userid}" },
                permissions: .anyUser(filter: "Yourself, and users you may audit or modify."), protected: true),
            APIMethod(.get, "/access/tfa/{userid}", name: "list_user_tfa", description: "List a user's TFA entries.",
                parameters: .object(["userid": userID]),
                returns: Schema.array(of: entry).with { $0.childLink = "{id}" },
                permissions: .check(mayView), protected: true),
            APIMethod(.post, "/access/tfa/{userid}", name: "add_tfa_entry",
                description: "Add a TFA entry for a user. TOTP needs the URI and a current code; recovery keys are shown only in this answer; WebAuthn takes two calls: one for the challenge, one with the browser's answer in `value`.",
                parameters: .object([
                    "userid": userID, "type": kind, "description": description,
                    "totp": Schema.string("A totp URI.").optional(),
                    "value": Schema.string("The current value for the provided totp URI, or a Webauthn/U2F challenge response").optional(),
                    "challenge": Schema.string("When responding to a webauthn challenge: the original challenge string").optional(),
                    "password": password,
                ]),
                returns: .object([
                    "id": Common.field(.string(), "The id of a newly added TFA entry."),
                    "challenge": Common.field(.string(), "For WebAuthn: the registration options the browser must answer."),
                    "recovery": Common.field(.array(of: .string()), "The new recovery keys, shown only now."),
                ]),
                permissions: .check(mayEdit), protected: true, allowToken: false),
            APIMethod(.get, "/access/tfa/{userid}/{id}", name: "get_tfa_entry", description: "Fetch a requested TFA entry if present.",
                parameters: .object(["userid": userID, "id": entryID]), returns: entry,
                permissions: .check(mayView), protected: true),
            APIMethod(.put, "/access/tfa/{userid}/{id}", name: "update_tfa_entry", description: "Change a TFA entry's description or enable it.",
                parameters: .object([
                    "userid": userID, "id": entryID, "description": description,
                    "enable": Schema.boolean("Whether the entry should be enabled for login.").optional(), "password": password,
                ]),
                permissions: .check(mayEdit), protected: true, allowToken: false),
            APIMethod(.delete, "/access/tfa/{userid}/{id}", name: "delete_tfa", description: "Delete a TFA entry by ID.",
                parameters: .object(["userid": userID, "id": entryID, "password": password]),
                permissions: .check(mayEdit), protected: true, allowToken: false),
            APIMethod(.get, "/access/users/{userid}/tfa", name: "read_user_tfa_type",
                description: "Get user TFA types (Personal and Realm).",
                parameters: .object([
                    "userid": userID,
                    "multiple": Schema.boolean("Request all entries as an array.").defaulting(false).optional(),
                ]),
                returns: .object([
                    "realm": Common.field(.enumeration(["oath", "yubico"]), "The type of TFA the users realm has set, if any."),
                    "types": Common.field(.array(of: kind), "The user's configured TFA types (with `multiple`)."),
                    "user": Common.field(.enumeration(["oath", "u2f"]), "The legacy TFA type of the user (without `multiple`)."),
                ]),
                permissions: .check(mayView), protected: true),
            APIMethod(.put, "/access/users/{userid}/unlock-tfa", name: "unlock_tfa",
                description: "Unlock a user's TFA authentication after too many failed attempts.",
                parameters: .object(["userid": userID]), returns: .boolean("Whether the user was locked."),
                permissions: .check(userGroupCheck(["User.Modify"])), protected: true),
        ]
    }
}
