import FaroSchema

extension APISpec {
    /// The node's System settings: DNS, hosts file, time zone and the system log. The files
    /// are the ones under the node's root (`etc/resolv.conf`, `etc/hosts`, `etc/timezone`).
    static var nodeSystemMethods: [APIMethod] {
        let nodeOnly = Schema.object(["node": Common.node])
        let audit = Permissions.check(.privileges(path: "/nodes/{node}", ["Sys.Audit"]))
        let modify = Permissions.check(.privileges(path: "/nodes/{node}", ["Sys.Modify"]))
        let hostsDigest = Schema.string(
            "Refuse the change when the file's SHA-1 digest differs (it was changed meanwhile)."
        )
        .with { $0.maxLength = 64 }.optional()
        let logDate = "^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}(:\\d{2})?)?$"
        var dnsSettings: [String: Schema] = ["search": Schema.string("Search domain for host name lookups.")]
        for index in 1...3 {
            dnsSettings["dns\(index)"] = Schema.string(
                ["First", "Second", "Third"][index - 1] + " name server IP address.", format: "ip"
            )
            .optional()
        }
        return [
            APIMethod(
                .get, "/nodes/{node}/dns", name: "dns",
                description:
                    "The node's DNS settings: search domain and up to three name servers from its resolv.conf.",
                parameters: nodeOnly,
                returns: Schema.object(dnsSettings.mapValues { $0.with { $0.format = nil }.optional() }),
                permissions: audit, proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/dns", name: "update_dns",
                description:
                    "Write the node's resolv.conf: the search domain and the name servers given (others are removed); other lines stay.",
                parameters: Schema.object(dnsSettings.merging(["node": Common.node]) { first, _ in first }),
                permissions: modify, protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/hosts", name: "get_etc_hosts",
                description: "The node's hosts file with its digest.",
                parameters: nodeOnly,
                returns: Schema.object([
                    "data": .string("The content of the hosts file."),
                    "digest": Common.field(.string(), "SHA-1 digest of the file."),
                ]),
                permissions: .check(.privileges(path: "/", ["Sys.Audit"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/hosts", name: "write_etc_hosts",
                description: "Replace the node's hosts file.",
                parameters: .object([
                    "node": Common.node, "data": Schema.string("The new content of the hosts file.").multiline(), "digest": hostsDigest,
                ]),
                permissions: modify, protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/time", name: "time",
                description: "The node's clock and time zone.",
                parameters: nodeOnly,
                returns: .object([
                    "time": .integer("Seconds since the epoch (UTC).", minimum: 1_297_163_644),
                    "localtime": .integer(
                        "Seconds since the epoch, shifted to the node's time zone.", minimum: 1_297_163_644),
                    "timezone": .string("The node's time zone."),
                ]),
                permissions: audit, proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/time", name: "set_timezone",
                description: "Set the node's time zone (a name from the zoneinfo database, e.g. `Europe/Madrid`).",
                parameters: .object([
                    "node": Common.node, "timezone": .string("Time zone name, as listed in zone.tab."),
                ]),
                permissions: modify, protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/syslog", name: "syslog",
                description: """
                    The host's system log as journalctl prints it, one entry per line, numbered from 1; \
                    `start` and `limit` page through the lines, `total` counts them all.
                    """,
                parameters: .object([
                    "node": Common.node,
                    "start": Schema.integer("First line to return (0-based).", minimum: 0).optional(),
                    "limit": Schema.integer("Number of lines to return (default 50).", minimum: 0).optional(),
                    "since": Schema.string(
                        "Only entries since this time (`YYYY-MM-DD[ HH:MM[:SS]]`).", pattern: logDate
                    ).optional(),
                    "until": Schema.string(
                        "Only entries until this time (`YYYY-MM-DD[ HH:MM[:SS]]`).", pattern: logDate
                    ).optional(),
                    "service": Schema.string("Only entries of this systemd unit.").with { $0.maxLength = 128 }
                        .optional(),
                ]),
                returns: .array(of: .object(["n": .integer("Line number."), "t": .string("Line text.")])),
                permissions: .check(.privileges(path: "/nodes/{node}", ["Sys.Syslog"])), protected: true,
                proxyTo: "node"
            ),
        ]
    }
}
