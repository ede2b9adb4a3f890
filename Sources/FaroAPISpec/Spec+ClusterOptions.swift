import FaroConfig
import FaroSchema

extension APISpec {
    /// Options every user gets from `GET /cluster/options`: what the web interface needs to
    /// draw itself (console choice, keyboard, language, tags).
    public static let publicDatacenterOptions: Set<String> = [
        "console", "keyboard", "language", "tag-style", "user-tag-access", "registered-tags",
    ]

    /// How GET returns an option: a property string as an object of its keys.
    static func readBack(_ schema: Schema) -> Schema {
        guard case .propertyString(let keys)? = schema.format else { return schema }
        return Schema.object(keys.mapValues { $0.optional() }, schema.description).optional()
    }

    static var clusterOptionMethods: [APIMethod] {
        var setParameters = DatacenterOptions.schemas
        setParameters["delete"] = Schema.string("Options to remove, comma separated.", format: "pve-configid-list")
            .optional()
        return [
            APIMethod(
                .get, "/cluster/options", name: "get_options",
                description: """
                    The datacenter options of `datacenter.cfg`. Property-string options come back as \
                    objects (`next-id` → `{"lower": 1000}`).
                    """,
                returns: Schema.object(DatacenterOptions.schemas.mapValues(readBack)).allowingAdditional(),
                permissions: .anyUser(
                    filter: "All options need 'Sys.Audit' on /; other users get only "
                        + publicDatacenterOptions.sorted().joined(separator: ", ") + ".")
            ),
            APIMethod(
                .put, "/cluster/options", name: "set_options",
                description: """
                    Change datacenter options. `next-id` bounds /cluster/nextid, `mac_prefix` starts \
                    every generated guest MAC address, `bwlimit` limits clones and disk moves where \
                    the storages set no limit, `console` is the default viewer in /version.
                    """,
                parameters: .object(setParameters),
                permissions: .check(.privileges(path: "/", ["Sys.Modify"])),
                protected: true
            ),
        ]
    }
}
