import FaroGuestSchema
import FaroSchema

extension APISpec {
    static let containerStatusFields: [String: Schema] = [
        "vmid": .integer("The (unique) ID of the container."), "status": .enumeration(["stopped", "running"], "LXC Container status."),
        "name": Common.field(.string(), "Container name."), "type": Common.field(.string(), "Always `lxc`."),
        "cpu": Common.field(.number(), "Current CPU usage."), "cpus": Common.field(.number(), "Maximum usable CPUs."),
        "mem": Common.field(.integer(), "Currently used memory in bytes."), "maxmem": Common.field(.integer(), "Maximum memory in bytes."),
        "swap": Common.field(.integer(), "Currently used swap in bytes."), "maxswap": Common.field(.integer(), "Maximum SWAP memory in bytes."),
        "disk": Common.field(.integer(), "Root disk space in use, in bytes."), "maxdisk": Common.field(.integer(), "Root disk size in bytes."),
        "uptime": Common.field(.integer(), "Uptime in seconds."), "netin": Common.field(.integer(), "Bytes received."),
        "netout": Common.field(.integer(), "Bytes sent."), "diskread": Common.field(.integer(), "Bytes read."),
        "diskwrite": Common.field(.integer(), "Bytes written."), "pid": Common.field(.integer(), "PID of the container's init."),
        "lock": Common.field(.string(), "The current config lock, if any."), "tags": Common.field(.string(), "Tags."),
        "template": Common.field(.boolean(), "Set for templates."),
        "ha": Common.field(.object([:]).allowingAdditional(), "HA manager service status."),
    ]

    static var lxcMethods: [APIMethod] {
        let vm = "/vms/{vmid}"
        let base: [String: Schema] = ["node": Common.node, "vmid": Common.vmid]
        func params(_ more: [String: Schema]) -> Schema { .object(base.merging(more) { _, new in new }) }
        let power = PermissionCheck.privileges(path: vm, ["VM.PowerMgmt"])
        let task = Schema.string("The task id (UPID).")
        let createOptions = ContainerSchema.options.merging([
            "ostemplate": Schema.string("The OS template or backup file.", maxLength: 255),
            "storage": Schema.string("Default Storage.", format: "pve-storage-id").defaulting("local").optional(),
            "password": Schema.string("Sets root password inside container.").length(min: 5).optional(),
            "ssh-public-keys": Schema.string("Setup public SSH keys (one key per line, OpenSSH format).").multiline().optional(),
            "start": Schema.boolean("Start the CT after its creation finished successfully.").defaulting(false).optional(),
            "force": Schema.boolean("Allow to overwrite existing container.").optional(),
            "pool": Schema.string("Add the VM to the specified pool.", format: "pve-poolid").optional(),
            "unique": Schema.boolean("Assign a unique random ethernet address.").requiring("restore").optional(),
            "restore": Schema.boolean("Mark this as restore task.").optional(),
            "bwlimit": Schema.number("Override I/O bandwidth limit (in KiB/s).", minimum: 0).optional(),
            "ha-managed": Schema.boolean("Add the CT as a HA resource after it was created.").defaulting(false).optional(),
            "ignore-unpack-errors": Schema.boolean("Ignore errors when extracting the template.").optional(),
        ]) { _, new in new }
        return [
            APIMethod(
                .get, "/nodes/{node}/lxc", name: "vmlist", description: "LXC container index (per node).",
                parameters: .object(["node": Common.node]),
                returns: .array(of: .object(containerStatusFields)).with { $0.childLink = "{vmid}" },
                permissions: .anyUser(filter: "Only list CTs where you have VM.Audit permissons on /vms/<vmid>."), proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/lxc", name: "create_vm", description: "Create or restore a container.",
                parameters: params(createOptions), returns: task,
                permissions: .check(
                    .or([.privileges(path: vm, ["VM.Allocate"]), .privileges(path: "/pool/{pool}", ["VM.Allocate"], requireParam: "pool")]),
                    note: "You need 'VM.Allocate' on /vms/{vmid} or on the pool, and 'Datastore.AllocateSpace' on the storage."),
                protected: true, proxyTo: "node"
            ).takingOptions(ContainerSchema.options.keys).refusing(["ha-managed"]),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}", name: "vmdiridx", description: "Directory index of one container.",
                parameters: params([:]), returns: .index(), permissions: .anyUser(filter: nil)),
            APIMethod(
                .delete, "/nodes/{node}/lxc/{vmid}", name: "destroy_vm", description: "Destroy the container (also delete all uses files).",
                parameters: params([
                    "purge": Schema.boolean("Remove the container from all related configurations.").defaulting(false).optional(),
                    "force": Schema.boolean("Force destroy, even if running.").defaulting(false).optional(),
                    "destroy-unreferenced-disks": Schema.boolean("Also destroy disks of this VMID not referenced in the config.").optional(),
                ]),
                returns: task, permissions: .check(.privileges(path: vm, ["VM.Allocate"])), protected: true, proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/config", name: "vm_config", description: "Get container configuration.",
                parameters: params([
                    "current": Schema.boolean("Get current values (instead of pending values).").defaulting(false).optional(),
                    "snapshot": Schema.string("Fetch config values from given snapshot.").optional(),
                ]),
                returns: Schema.object(ContainerSchema.options.merging([
                    "digest": .string("SHA1 digest of configuration file."),
                ]) { _, new in new }).allowingAdditional(),
                permissions: .check(.privileges(path: vm, ["VM.Audit"])), proxyTo: "node"),
            APIMethod(
                .put, "/nodes/{node}/lxc/{vmid}/config", name: "update_vm", description: "Set container options.",
                parameters: params(ContainerSchema.options.merging([
                    "delete": Schema.string("A list of settings you want to delete.", format: "pve-configid-list").optional(),
                    "digest": Schema.string("Prevent changes if current configuration file has a different SHA1 digest.", maxLength: 40).optional(),
                    "revert": Schema.string("Revert a pending change.", format: "pve-configid-list").optional(),
                ]) { _, new in new }),
                permissions: .check(.privileges(path: vm, ["VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options"], any: true),
                    note: "The privilege each changed option needs is checked per option."),
                protected: true, proxyTo: "node"
            ).takingOptions(ContainerSchema.options.keys),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/status", name: "vmcmdidx", description: "Directory index of the status commands.",
                parameters: params([:]), returns: .index(), permissions: .check(.privileges(path: vm, ["VM.Audit"]))),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/status/current", name: "vm_status", description: "Get virtual machine status.",
                parameters: params([:]), returns: .object(containerStatusFields),
                permissions: .check(.privileges(path: vm, ["VM.Audit"])), proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/lxc/{vmid}/status/start", name: "vm_start", description: "Start the container.",
                parameters: params([
                    "skiplock": Schema.boolean("Ignore locks - only root is allowed to use this option.").optional(),
                    "debug": Schema.boolean("If set, enables very verbose debug log-level on start.").defaulting(false).optional(),
                ]), returns: task, permissions: .check(power), protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/lxc/{vmid}/status/stop", name: "vm_stop",
                description: "Stop the container. This will abruptly stop all processes running in the container.",
                parameters: params([
                    "skiplock": Schema.boolean("Ignore locks - only root is allowed to use this option.").optional(),
                    "overrule-shutdown": Schema.boolean("Try to abort active 'vzshutdown' tasks before stopping.").defaulting(false).optional(),
                ]), returns: task, permissions: .check(power), protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/lxc/{vmid}/status/shutdown", name: "vm_shutdown",
                description: "Shutdown the container. This will trigger a clean shutdown of the container.",
                parameters: params([
                    "timeout": Schema.integer("Wait maximal timeout seconds.", minimum: 0).defaulting(60).optional(),
                    "forceStop": Schema.boolean("Make sure the Container stops.").defaulting(false).optional(),
                ]), returns: task, permissions: .check(power), protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/lxc/{vmid}/status/reboot", name: "vm_reboot",
                description: "Reboot the container by shutting it down, and starting it again.",
                parameters: params(["timeout": Schema.integer("Wait maximal timeout seconds for the shutdown.", minimum: 0).optional()]),
                returns: task, permissions: .check(power), protected: true, proxyTo: "node"),
        ]
    }
}
