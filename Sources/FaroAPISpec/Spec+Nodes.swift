import FaroSchema

extension APISpec {
    static let nodeListItem = Schema.object([
        "node": Schema.string("The cluster node name.", format: "pve-node"),
        "status": Schema.enumeration(["unknown", "online", "offline"], "Node status."),
        "id": Common.field(.string(), "Resource id, `node/<name>`."),
        "type": Common.field(.string(), "Always `node`."),
        "cpu": Common.field(.number(), "CPU utilisation (0..1)."),
        "maxcpu": Common.field(.integer(), "Number of logical CPUs."),
        "mem": Common.field(.integer(), "Used memory in bytes."),
        "maxmem": Common.field(.integer(), "Total memory in bytes."),
        "disk": Common.field(.integer(), "Used root file system space in bytes."),
        "maxdisk": Common.field(.integer(), "Size of the root file system in bytes."),
        "uptime": Common.field(.integer(), "Node uptime in seconds."),
        "level": Common.field(.string(), "Support level (empty: none)."),
        "ssl_fingerprint": Common.field(.string(), "SHA-256 fingerprint of the node's TLS certificate."),
    ])

    static var nodeMethods: [APIMethod] {
        let nodeOnly = Schema.object(["node": Common.node])
        return [
            APIMethod(
                .get, "/nodes", name: "index",
                description: "List the nodes of the cluster with their usage figures.",
                returns: .array(of: nodeListItem).with { $0.childLink = "{node}" },
                permissions: .anyUser(filter: "Usage figures need 'Sys.Audit' on /nodes/<node>.")
            ),
            APIMethod(
                .get, "/nodes/{node}", name: "index",
                description: "Directory index of one node.",
                parameters: nodeOnly,
                returns: .index(link: "{name}"),
                permissions: .anyUser(filter: nil)
            ),
            APIMethod(
                .get, "/nodes/{node}/status", name: "status",
                description: "Current status of the node: CPU, memory, swap, root file system, load and versions.",
                parameters: nodeOnly,
                returns: nodeStatusSchema,
                permissions: .check(.privileges(path: "/nodes/{node}", ["Sys.Audit"])),
                proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/version", name: "version",
                description: "Version details of this node.",
                parameters: nodeOnly,
                returns: .object([
                    "version": .string("Manager version."),
                    "release": .string("Point release."),
                    "repoid": .string("Short revision id."),
                ]),
                permissions: .anyUser(filter: nil),
                proxyTo: "node"
            ),
        ]
    }

    static let nodeStatusSchema: Schema = {
        let memory = Schema.object([
            "total": .integer("Total in bytes."),
            "used": .integer("Used in bytes."),
            "free": .integer("Free in bytes."),
        ])
        return Schema.object([
            "cpu": .number("CPU utilisation over the last sample interval (0..1)."),
            "wait": Common.field(.number(), "Share of CPU time spent waiting for I/O (0..1)."),
            "cpuinfo": .object([
                "model": .string("CPU model name."),
                "cpus": .integer("Logical CPUs."),
                "cores": .integer("Physical cores per socket."),
                "sockets": .integer("CPU sockets."),
                "mhz": Common.field(.string(), "Clock in MHz."),
                "flags": Common.field(.string(), "CPU flags."),
                "hvm": Common.field(.string(), "Whether hardware virtualisation is offered (1/0)."),
                "user_hz": Common.field(.integer(), "Clock ticks per second."),
            ]).allowingAdditional(),
            "memory": memory.adding(["available": .integer("Memory available for new work in bytes (MemAvailable).")]),
            "swap": memory,
            "rootfs": Schema.object([
                "total": .integer("Total in bytes."),
                "used": .integer("Used in bytes."),
                "free": .integer("Free in bytes."),
                "avail": .integer("Available to unprivileged users in bytes."),
            ]),
            "loadavg": .array(of: .string(), "Load averages over 1, 5 and 15 minutes."),
            "uptime": .integer("Node uptime in seconds."),
            "idle": Common.field(.number(), "Share of the CPU time spent idle between the last two samples (0..1)."),
            "kversion": .string("Kernel name, release and version."),
            "current-kernel": Schema.object([
                "sysname": .string("Kernel name."),
                "release": .string("Kernel release."),
                "version": .string("Kernel build version."),
                "machine": .string("Hardware name."),
            ]),
            "boot-info": Schema.object([
                "mode": .enumeration(["efi", "legacy-bios"], "Firmware the node booted with."),
                "secureboot": Common.field(.boolean(), "Secure boot is on (EFI only)."),
            ]),
            "pveversion": .string("Manager version string."),
            "ksm": Common.field(Schema.object(["shared": .integer("Memory shared by KSM in bytes.")]), "Kernel same-page merging."),
        ]).allowingAdditional()
    }()
}
