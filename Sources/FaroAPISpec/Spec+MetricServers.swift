import FaroSchema

extension APISpec {
    /// External metric servers (`status.cfg`) and the metrics index.
    static var metricServerMethods: [APIMethod] {
        let id = Schema.string("The ID of the entry.", format: "pve-configid")
        var options: [String: Schema] = [
            "server": .string("server dns name or IP address", format: "address"),
            "port": .integer("server network port", minimum: 1, maximum: 65536),
            "disable": Schema.boolean("Flag to disable the plugin.").optional(),
            "path": Schema.string("root graphite path (ex: proxmox.mycluster.mykey)", format: "graphite-path").optional(),
            "proto": Schema.enumeration(["udp", "tcp"], "Protocol to send graphite data. TCP or UDP (default)").optional(),
            "timeout": Schema.integer("graphite TCP socket timeout (default=1)", minimum: 0).defaulting(1).optional(),
            "mtu": Schema.integer("MTU for metrics transmission over UDP", minimum: 512, maximum: 65536).defaulting(1500).optional(),
            "influxdbproto": Schema.enumeration(["udp", "http", "https"]).defaulting("udp").optional(),
            "organization": Schema.string("The InfluxDB organization. Only necessary when using the http v2 api.").optional(),
            "bucket": Schema.string("The InfluxDB bucket/db. Only necessary when using the http v2 api.").optional(),
            "token": Schema.string(
                "The InfluxDB access token. Only necessary when using the http v2 api. If the v2 compatibility api is used, use 'user:password' instead."
            ).optional(),
            "api-path-prefix": Schema.string("An API path prefix inserted between '<host>:<port>/' and '/api2/'.").optional(),
            "max-body-size": Schema.integer("InfluxDB max-body-size in bytes. Requests are batched up to this size.", minimum: 1)
                .defaulting(25_000_000).optional(),
            "verify-certificate": Schema.boolean("Set to 0 to disable certificate verification for https endpoints.")
                .defaulting(1).optional(),
        ]
        // OpenTelemetry is declared for Proxmox's clients; Faro refuses it.
        let otel = [
            "otel-compression", "otel-headers", "otel-max-body-size", "otel-path", "otel-protocol", "otel-resource-attributes",
            "otel-timeout", "otel-verify-ssl",
        ]
        for name in otel { options[name] = Schema.string("OpenTelemetry option (not supported by Faro yet).").optional() }
        var create = options
        create["id"] = id
        create["type"] = Schema.enumeration(["graphite", "influxdb", "opentelemetry"], "Plugin type.")
        var update = options
        update["id"] = id
        // Proxmox's update requires `server` and `port` again.
        update["delete"] = Schema.string("A list of settings you want to delete.", format: "pve-configid-list").with { $0.maxLength = 4096 }.optional()
        update["digest"] = Schema.string("Prevent changes if current configuration file has a different digest.").with { $0.maxLength = 64 }.optional()
        var read = options.filter { !$0.key.hasPrefix("otel-") && $0.key != "token" }.mapValues { $0.optional() }
        read["id"] = .string("The ID of the entry.")
        read["type"] = .enumeration(["graphite", "influxdb"], "Plugin type.")
        read["digest"] = .string("SHA-1 digest of status.cfg.")
        let audit = Permissions.check(.privileges(path: "/", ["Sys.Audit"]))
        let modify = Permissions.check(.privileges(path: "/", ["Sys.Modify"]))
        return [
            APIMethod(.get, "/cluster/metrics", name: "index", description: "Metrics index.", returns: .index(link: "{name}"),
                permissions: .anyUser(filter: nil)),
            APIMethod(
                .get, "/cluster/metrics/export", name: "export",
                description: "Retrieve metrics of the cluster: the newest collection round, or with `history` the rounds of the last ten minutes.",
                parameters: .object([
                    "history": Schema.boolean("Also return historic values.").defaulting(0).optional(),
                    "local-only": Schema.boolean("Only return metrics for the current node instead of the whole cluster")
                        .defaulting(0).optional(),
                    "node-list": Schema.string("Only return metrics from nodes passed as comma-separated list").optional(),
                    "start-time": Schema.integer("Only include metrics with a timestamp > start-time.").defaulting(0).optional(),
                ]),
                returns: .object([
                    "data": .array(of: .object([
                        "id": .string("Unique identifier for this metric object, for instance 'node/<nodename>' or 'qemu/<vmid>'."),
                        "metric": .string("Name of the metric."),
                        "timestamp": .integer("Time at which this metric was observed"),
                        "type": .enumeration(["gauge", "counter", "derive"], "Type of the metric."),
                        "value": .number("Metric value."),
                    ])).describe("Array of system metrics. Metrics are sorted by their timestamp.")
                ]),
                permissions: audit),
            APIMethod(
                .get, "/cluster/metrics/server", name: "server_index", description: "List configured metric servers.",
                returns: .array(of: .object([
                    "id": .string("The ID of the entry."), "type": .string("Plugin type."),
                    "server": .string("Server dns name or IP address"), "port": .integer("Server network port"),
                    "disable": .boolean("Flag to disable the plugin."),
                ])).with { $0.childLink = "{id}" },
                permissions: audit),
            APIMethod(
                .get, "/cluster/metrics/server/{id}", name: "read", description: "Read metric server configuration (without its token).",
                parameters: .object(["id": id]), returns: .object(read), permissions: audit),
            APIMethod(
                .post, "/cluster/metrics/server/{id}", name: "create", description: "Create a new external metric server config",
                parameters: .object(create), permissions: modify, protected: true
            ).refusing(Set(otel)),
            APIMethod(
                .put, "/cluster/metrics/server/{id}", name: "update", description: "Update metric server configuration.",
                parameters: .object(update), permissions: modify, protected: true
            ).refusing(Set(otel)),
            APIMethod(
                .delete, "/cluster/metrics/server/{id}", name: "delete", description: "Remove Metric server.",
                parameters: .object(["id": id]), permissions: modify, protected: true),
        ]
    }
}
