import FaroSchema

extension APISpec {
    static var rootMethods: [APIMethod] {
        [
            APIMethod(
                .get, "/", name: "index",
                description: "Directory index of the API: the top-level resources.",
                returns: .index(),
                permissions: .anyUser(filter: nil)
            ),
            APIMethod(
                .get, "/version", name: "version",
                description: "API version details: the Proxmox VE release this node is compatible with.",
                returns: .object([
                    "version": .string("The Proxmox VE compatible manager version of this node."),
                    "release": .string("The Proxmox VE compatible point release (`x.y`)."),
                    "repoid": .string("Short revision id of this build.", pattern: "[0-9a-fA-F]{8,64}"),
                    "console": Common.field(.enumeration(["applet", "vv", "html5", "xtermjs"]), "The default console viewer: the datacenter `console` option, html5 when unset."),
                    "faro": Common.field(.string(), "The Faro version of this node."),
                ]),
                permissions: .anyUser(filter: nil)
            ),
        ]
    }
}
