import FaroSchema

/// The settings of `datacenter.cfg`, in Proxmox's option schema. Property-string options carry
/// their keys, so a value is checked as a whole when it is set and read back as an object.
public enum DatacenterOptions {
    public static let defaultMACPrefix = "BC:24:11"
    public static let defaultNextID = (lower: 100, upper: 1_000_000)

    static let tagPattern = "[a-zA-Z0-9_][a-zA-Z0-9_\\-\\+\\.]*"
    static let colorEntry = "\(tagPattern):[0-9a-fA-F]{6}(?::[0-9a-fA-F]{6})?"

    static func bandwidth(_ what: String) -> Schema {
        Schema.number("Bandwidth limit for \(what) in KiB/s.", minimum: 0).formatDescription("LIMIT").optional()
    }

    static func network(_ what: String) -> Schema {
        Schema.propertyString(
            [
                "type": Schema.enumeration(
                    ["secure", "insecure"], "Send \(what) traffic through an SSH tunnel (secure) or in the clear."
                )
                .defaulting("secure").defaultKey(),
                "network": Schema.string("Network (CIDR) that carries \(what) traffic.", format: "CIDR")
                    .formatDescription("CIDR").optional(),
            ], "Cluster-wide \(what) settings.")
    }

    /// Every option by name, as `PUT /cluster/options` takes it.
    public static let schemas: [String: Schema] = {
        let options: [String: Schema] = [
            "bwlimit": Schema.propertyString(
                [
                    "default": bandwidth("all operations without their own limit"), "clone": bandwidth("cloning disks"),
                    "migration": bandwidth("migrating guests"), "move": bandwidth("moving disks"),
                    "restore": bandwidth("restoring backups"),
                ], "I/O bandwidth limits of long operations."),
            "consent-text": Schema.string("Text shown to users before they log in.").with { $0.maxLength = 65536 },
            "console": Schema.enumeration(
                ["applet", "vv", "html5", "xtermjs"],
                "Default console viewer: html5 (noVNC), xtermjs, vv (SPICE) or applet (an old name for html5)."),
            "crs": Schema.propertyString(
                [
                    "ha": Schema.enumeration(["basic", "static", "dynamic"], "How HA picks a node for a service.")
                        .defaulting("basic").optional(),
                    "ha-rebalance-on-start": Schema.boolean("Choose the node by CRS when an HA service is started.")
                        .defaulting(0).optional(),
                    "ha-auto-rebalance": Schema.boolean("Rebalance HA services automatically.").defaulting(0)
                        .optional(),
                    "ha-auto-rebalance-hold-duration": Schema.number(
                        "HA rounds an imbalance must last before a rebalance.", minimum: 0
                    )
                    .defaulting(3).requiring("ha-auto-rebalance").optional(),
                    "ha-auto-rebalance-margin": Schema.number(
                        "Least relative improvement worth a rebalancing migration.", minimum: 0
                    )
                    .defaulting(.double(0.1)).requiring("ha-auto-rebalance").optional(),
                    "ha-auto-rebalance-method": Schema.enumeration(
                        ["bruteforce", "topsis"], "How rebalancing migrations are scored."
                    )
                    .defaulting("bruteforce").requiring("ha-auto-rebalance").optional(),
                    "ha-auto-rebalance-threshold": Schema.number("Node imbalance that starts a rebalance.", minimum: 0)
                        .defaulting(.double(0.3)).requiring("ha-auto-rebalance").optional(),
                ], "Cluster resource scheduling."),
            "description": Schema.string("Notes about the datacenter; kept as comment lines at the top of the file.")
                .with { $0.maxLength = 65536 }.multiline(),
            "email_from": Schema.string(
                "Sender address of notification mails (default: root@<hostname>).", format: "email-opt"),
            "fencing": Schema.enumeration(["watchdog", "hardware", "both"], "How HA fences a failed node.").defaulting(
                "watchdog"),
            "ha": Schema.propertyString(
                [
                    "shutdown_policy": Schema.enumeration(
                        ["freeze", "failover", "conditional", "migrate"],
                        "What HA does with a node's services when the node shuts down."
                    ).defaulting("conditional")
                ], "Cluster-wide HA settings."),
            "http_proxy": Schema.string(
                "Proxy for downloads, `http://user:password@host:port/`.", pattern: "http://.*"),
            "keyboard": Schema.enumeration(
                [
                    "de", "de-ch", "da", "en-gb", "en-us", "es", "fi", "fr", "fr-be", "fr-ca", "fr-ch", "hu", "is",
                    "it", "ja", "lt",
                    "mk", "nl", "no", "pl", "pt", "pt-br", "sv", "sl", "tr",
                ], "Default keyboard layout for VNC."),
            "language": Schema.enumeration(
                [
                    "ar", "ca", "da", "de", "en", "es", "eu", "fa", "fr", "hr", "he", "it", "ja", "ka", "kr", "nb",
                    "nl", "nn", "pl",
                    "pt_BR", "ru", "sl", "sv", "tr", "ukr", "zh_CN", "zh_TW",
                ], "Default language of the web interface."),
            "mac_prefix": Schema.string(
                "Prefix of generated guest MAC addresses; the default BC:24:11 is Proxmox's IEEE block, fine for local networks.",
                format: "mac-prefix"
            ).defaulting(.string(defaultMACPrefix)),
            "max_workers": Schema.integer("Most workers a node starts at once for bulk actions and HA.", minimum: 1),
            "migration": network("migration"),
            "migration_unsecure": Schema.boolean("Deprecated: use `migration` with `type=insecure`."),
            "next-id": Schema.propertyString(
                [
                    "lower": Schema.integer(
                        "Lowest VMID handed out by /cluster/nextid (inclusive).", minimum: 100, maximum: 999_999_999
                    )
                    .defaulting(.int(defaultNextID.lower)).optional(),
                    "upper": Schema.integer(
                        "End of the VMIDs handed out by /cluster/nextid (exclusive).", minimum: 100,
                        maximum: 1_000_000_000
                    )
                    .defaulting(.int(defaultNextID.upper)).optional(),
                ], "The range /cluster/nextid picks free VMIDs from."),
            "notify": Schema.propertyString(
                [
                    "fencing": Schema.enumeration(["always", "never"], "Unused; kept for old files.").optional(),
                    "package-updates": Schema.enumeration(
                        ["auto", "always", "never"], "Deprecated: when update notifications are sent."
                    )
                    .defaulting("auto").optional(),
                    "replication": Schema.enumeration(["always", "never"], "Unused; kept for old files.").optional(),
                    "target-fencing": Schema.string("Unused; kept for old files.").formatDescription("TARGET")
                        .optional(),
                    "target-package-updates": Schema.string("Unused; kept for old files.").formatDescription("TARGET")
                        .optional(),
                    "target-replication": Schema.string("Unused; kept for old files.").formatDescription("TARGET")
                        .optional(),
                ], "Old notification settings."),
            "registered-tags": Schema.string(
                "Tags that only users with Sys.Modify on / may set or remove, `;` separated.",
                pattern: "(?:\(tagPattern);)*\(tagPattern)"),
            "replication": network("replication"),
            "tag-style": Schema.propertyString(
                [
                    "case-sensitive": Schema.boolean("Tell tags apart by case when removing duplicates.").defaulting(0)
                        .optional(),
                    "color-map": Schema.string(
                        "Colours of tags, `tag:RRGGBB[:RRGGBB]` separated by `;`.",
                        pattern: "\(colorEntry)(?:;\(colorEntry))*"
                    )
                    .optional(),
                    "ordering": Schema.enumeration(["config", "alphabetical"], "Order of a guest's tags.").defaulting(
                        "alphabetical"
                    ).optional(),
                    "shape": Schema.enumeration(
                        ["full", "circle", "dense", "none"], "How tags are drawn in the resource tree."
                    )
                    .defaulting("circle").optional(),
                ], "How tags look and are ordered."),
            "u2f": Schema.propertyString(
                [
                    "appid": Schema.string("U2F AppId (default: the origin).").formatDescription("APPID").optional(),
                    "origin": Schema.string("U2F origin.").formatDescription("URL").optional(),
                ], "U2F settings."),
            "user-tag-access": Schema.propertyString(
                [
                    "user-allow": Schema.enumeration(
                        ["none", "list", "existing", "free"], "Which tags users without Sys.Modify on / may use."
                    )
                    .defaulting("free").optional(),
                    "user-allow-list": Schema.string(
                        "Tags those users may use, `;` separated.", pattern: "\(tagPattern)(?:;\(tagPattern))*"
                    )
                    .optional(),
                ], "Which tags users may set."),
            "webauthn": Schema.propertyString(
                [
                    "allow-subdomains": Schema.boolean("Accept an origin on a subdomain.").defaulting(1).optional(),
                    "id": Schema.string("Relying party id: the bare domain name.").formatDescription("DOMAINNAME")
                        .optional(),
                    "origin": Schema.string("Site origin, an https:// URL.").formatDescription("URL").optional(),
                    "rp": Schema.string("Relying party name.").formatDescription("RELYING_PARTY").optional(),
                ], "WebAuthn settings."),
        ]
        return options.mapValues { $0.optional() }
    }()
}
