import FaroSchema

extension APISpec {
    static let resourceItem = Schema.object([
        "id": .string("Resource id: `node/<node>`, `qemu/<vmid>`, `lxc/<vmid>`, `storage/<node>/<storage>`, `/pool/<pool>`."),
        "type": .enumeration(["node", "storage", "pool", "qemu", "lxc", "openvz", "sdn", "network"], "Resource type."),
        "node": Common.field(.string(), "The node the resource lives on."),
        "status": Common.field(.string(), "Resource status (running, stopped, online, available, ...)."),
        "name": Common.field(.string(), "Guest name."),
        "vmid": Common.field(.integer(), "Guest id (qemu, lxc)."),
        "template": Common.field(.boolean(), "The guest is a template."),
        "tags": Common.field(.string(), "Guest tags, `;` separated."),
        "lock": Common.field(.string(), "The guest's config lock, if any."),
        "pool": Common.field(.string(), "The pool the resource belongs to."),
        "hastate": Common.field(.string(), "HA service state."),
        "cpu": Common.field(.number(), "CPU utilisation (0..1)."),
        "maxcpu": Common.field(.number(), "Number of CPUs."),
        "mem": Common.field(.integer(), "Used memory in bytes."),
        "maxmem": Common.field(.integer(), "Memory size in bytes."),
        "disk": Common.field(.integer(), "Used disk space in bytes."),
        "maxdisk": Common.field(.integer(), "Disk size in bytes."),
        "netin": Common.field(.integer(), "Bytes received."),
        "netout": Common.field(.integer(), "Bytes sent."),
        "diskread": Common.field(.integer(), "Bytes read from disks."),
        "diskwrite": Common.field(.integer(), "Bytes written to disks."),
        "uptime": Common.field(.integer(), "Uptime in seconds."),
        "level": Common.field(.string(), "Support level (nodes)."),
        "cgroup-mode": Common.field(.integer(), "cgroup version of the node."),
        "storage": Common.field(.string(), "Storage id."),
        "plugintype": Common.field(.string(), "Storage type."),
        "content": Common.field(.string(), "Content types the storage holds."),
        "shared": Common.field(.boolean(), "The storage is shared between nodes."),
    ])

    static var clusterMethods: [APIMethod] {
        [
            APIMethod(
                .get, "/cluster", name: "index",
                description: "Directory index of cluster-wide resources.",
                returns: .index(link: "{name}"),
                permissions: .anyUser(filter: nil)
            ),
            APIMethod(
                .get, "/cluster/status", name: "get_status",
                description: "Cluster membership and quorum: one `cluster` entry when clustered, one `node` entry per node.",
                returns: .array(of: .object([
                    "type": .enumeration(["cluster", "node"], "Entry type."),
                    "id": .string("Entry id."),
                    "name": .string("Cluster or node name."),
                    "nodeid": Common.field(.integer(), "[node] Node id in the cluster."),
                    "ip": Common.field(.string(), "[node] Address the node name resolves to."),
                    "local": Common.field(.boolean(), "[node] This is the answering node."),
                    "online": Common.field(.boolean(), "[node] The node is online."),
                    "level": Common.field(.string(), "[node] Support level."),
                    "nodes": Common.field(.integer(), "[cluster] Number of nodes."),
                    "quorate": Common.field(.boolean(), "[cluster] The cluster has quorum."),
                    "version": Common.field(.integer(), "[cluster] Cluster configuration version."),
                ])),
                permissions: .check(.privileges(path: "/", ["Sys.Audit"])),
                protected: true
            ),
            APIMethod(
                .get, "/cluster/resources", name: "resources",
                description: "Every resource of the cluster (nodes, guests, storages, pools) with its current usage.",
                parameters: .object([
                    "type": Schema.enumeration(["vm", "storage", "node", "sdn"], "Only list resources of this type.").optional()
                ]),
                returns: .array(of: resourceItem),
                permissions: .anyUser(filter: "Lists only the resources the caller may audit.")
            ),
            APIMethod(
                .get, "/cluster/resources/stream", name: "stream",
                description: """
                    Faro extension: the resources of `/cluster/resources` as server-sent events, for \
                    clients that keep a live view. The first `resources` event carries the whole list \
                    with `reset` set; each later one carries only the entries that changed (`updated`, \
                    whole entries) and the ids of those that disappeared or became invisible \
                    (`removed`). A comment line is sent every 15 s so idle connections stay open. \
                    After a reconnect the stream starts over with a full list.
                    """,
                parameters: .object([
                    "type": Schema.enumeration(["vm", "storage", "node", "sdn"], "Only stream resources of this type.").optional()
                ]),
                returns: .object([
                    "reset": Common.field(.boolean(), "This event replaces the whole list."),
                    "updated": .array(of: resourceItem, "New or changed entries."),
                    "removed": .array(of: .string(), "Ids of entries that are gone or no longer visible."),
                ]),
                permissions: .anyUser(filter: "Streams only the resources the caller may audit; visibility follows ACL changes."),
                streamsEvents: true
            ),
            APIMethod(
                .get, "/cluster/nextid", name: "nextid",
                description: "The lowest free VMID. With `vmid`, check that this id is free (at the time of the call); nothing is reserved.",
                parameters: .object(["vmid": Common.vmid.optional()]),
                // Proxmox's schema says integer, but Proxmox sends the number as a JSON string and
                // clients expect that; the document describes what is sent.
                returns: .string("The next free VMID, as a string of digits (as Proxmox sends it).", pattern: "^[1-9][0-9]*$"),
                permissions: .anyUser(filter: nil)
            ),
            APIMethod(
                .get, "/cluster/tasks", name: "tasks",
                description: "Recent tasks of all nodes.",
                returns: .array(of: taskListItem),
                permissions: .anyUser(filter: "Lists the caller's own tasks, and all tasks of nodes where the caller has 'Sys.Audit'.")
            ),
        ]
    }
}
