import FaroSchema

extension APISpec {
    /// The settings of `nodes/<node>/config`, in the form GET returns and PUT takes.
    static let nodeConfigOptions: [String: Schema] = {
        var options: [String: Schema] = [
            "description": Schema.string(
                "Notes about the node, shown in the web interface; kept as comment lines of the node's config file."
            ).with { $0.maxLength = 65536 }.multiline().optional(),
            "startall-onboot-delay": Schema.integer(
                "Seconds to wait before starting the guests marked to start at boot.", minimum: 0, maximum: 300
            ).with { $0.defaultValue = 0 }.optional(),
            "ballooning-target": Schema.integer(
                "Host memory use (percent) that memory ballooning aims at.", minimum: 0, maximum: 100
            ).with { $0.defaultValue = 80 }.optional(),
            "wakeonlan": Schema.propertyString(
                [
                    "mac": Schema.string("MAC address of the node's network card for wake on LAN.", format: "mac-addr")
                        .with { $0.isDefaultKey = true },
                    "bind-interface": Schema.string("Interface the wake-on-LAN packet is sent from.").optional(),
                    "broadcast-address": Schema.string("Broadcast address for the packet.", format: "ipv4").optional(),
                ], "Wake-on-LAN settings of the node."
            ).optional(),
            "acme": Schema.propertyString(
                [
                    "account": Schema.string("ACME account name.", format: "pve-configid").optional(),
                    "domains": Schema.string("Domains of the node's certificate, `;` separated.").optional(),
                ], "ACME settings of the node."
            ).optional(),
        ]
        for index in 0...5 {
            options["acmedomain\(index)"] = Schema.propertyString(
                [
                    "domain": Schema.string("A domain of the node's certificate.").with { $0.isDefaultKey = true },
                    "alias": Schema.string("Domain the DNS challenge is answered under instead.").optional(),
                    "plugin": Schema.string("ACME plugin that answers the challenge.", format: "pve-configid").optional(),
                ], "An ACME domain with its validation plugin."
            ).optional()
        }
        return options
    }()

    static var nodeConfigMethods: [APIMethod] {
        var setParameters = nodeConfigOptions
        setParameters["node"] = Common.node
        setParameters["delete"] = Schema.string("Settings to remove, comma separated.", format: "pve-configid-list").optional()
        setParameters["digest"] = digestParameter
        var returned = nodeConfigOptions
        returned["digest"] = digestParameter
        return [
            APIMethod(
                .get, "/nodes/{node}/config", name: "get_config",
                description: "The node's settings (notes, boot delay, wake on LAN, ACME).",
                parameters: .object([
                    "node": Common.node,
                    // Proxmox documents the default as `all`, which is outside its own enum; an
                    // absent parameter means all settings here too.
                    "property": Schema.enumeration(
                        nodeConfigOptions.keys.sorted(), "Return only this setting (default: all of them)."
                    ).optional(),
                ]),
                returns: Schema.object(returned),
                permissions: .check(.privileges(path: "/", ["Sys.Audit"])),
                proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/config", name: "set_options",
                description: "Change the node's settings.",
                parameters: .object(setParameters),
                permissions: .check(.privileges(path: "/", ["Sys.Modify"])),
                protected: true, proxyTo: "node"
            ),
        ]
    }

    static let digestParameter = Schema.string(
        "Refuse the change when the config file's SHA-1 digest differs (it was changed meanwhile)."
    ).with { $0.maxLength = 40 }.optional()
}
