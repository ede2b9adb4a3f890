import FaroGuestSchema
import FaroSchema

extension APISpec {
    static let vmidPath = "/vms/{vmid}"
    static let configPrivileges = [
        "VM.Config.Disk", "VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType",
        "VM.Config.Options", "VM.Config.Cloudinit",
    ]

    static let vmParameters: [String: Schema] = ["node": Common.node, "vmid": Common.vmid]
    static let skiplock = Schema.boolean("Ignore locks; only root may use this option.").optional()
    static let configIDList = Schema.string("A list of settings.", format: "pve-configid-list").optional()
    static let digest = Schema.string("Apply the change only if the config still has this SHA-1 digest.", maxLength: 40).optional()

    static let vmListItem = Schema.object([
        "vmid": Common.vmid,
        "status": Schema.enumeration(["stopped", "running"], "QEMU process status."),
        "name": Common.field(.string(), "VM name."),
        "qmpstatus": Common.field(.string(), "VM run state from the QMP query-status command."),
        "pid": Common.field(.integer(), "PID of the QEMU process, if running."),
        "uptime": Common.field(.integer(), "Uptime in seconds."),
        "cpu": Common.field(.number(), "Current CPU usage."),
        "cpus": Common.field(.number(), "Maximum usable CPUs."),
        "mem": Common.field(.integer(), "Memory the guest uses in bytes: from the balloon driver when it reports, else QEMU's resident share."),
        "memhost": Common.field(.integer(), "Memory the QEMU process holds on the host in bytes."),
        "freemem": Common.field(.integer(), "Free guest memory in bytes, as the balloon driver reports it."),
        "maxmem": Common.field(.integer(), "Maximum memory in bytes."),
        "disk": Common.field(.integer(), "Always 0 for VMs."),
        "maxdisk": Common.field(.integer(), "Root disk size in bytes."),
        "netin": Common.field(.integer(), "Bytes received."),
        "netout": Common.field(.integer(), "Bytes sent."),
        "diskread": Common.field(.integer(), "Bytes read from disks."),
        "diskwrite": Common.field(.integer(), "Bytes written to disks."),
        "lock": Common.field(.string(), "The current config lock, if any."),
        "tags": Common.field(.string(), "Tags, `;`-separated."),
        "template": Common.field(.boolean(), "Whether the VM is a template."),
        "running-qemu": Common.field(.string(), "The running QEMU version."),
        "running-machine": Common.field(.string(), "The running machine type."),
    ]).allowingAdditional()

    /// The VM config options a create or config change takes; `description` goes apart, as
    /// the config file's comment lines.
    static let vmConfigOptions = VMOptions.common.keys.filter { $0 != "description" }

    static var createParameters: Schema {
        var properties = VMOptions.common.merging(vmParameters) { _, new in new }
        properties["archive"] = Schema.string("Restore from this backup: a volume id (storage:backup/file) or, for root, a path.").optional()
        properties["bwlimit"] = Schema.integer("I/O bandwidth limit in KiB/s.", minimum: 0).optional()
        properties["force"] = Schema.boolean("Allow overwriting an existing VM on restore.").optional()
        properties["ha-managed"] = Schema.boolean("Add the VM as an HA resource (not supported by Faro yet).").optional()
        properties["live-restore"] = Schema.boolean("Start while restoring (not supported by Faro yet).").optional()
        properties["pool"] = Schema.string("Add the VM to this pool.", format: "pve-poolid").optional()
        properties["start"] = Schema.boolean("Start the VM once it has been created.").optional()
        properties["storage"] = Schema.string("Default storage.", format: "pve-storage-id").optional()
        properties["unique"] = Schema.boolean("Assign a unique random MAC address on restore.").optional()
        properties["import-working-storage"] = Schema.string("Storage for import working data.", format: "pve-storage-id").optional()
        return .object(properties)
    }

    static func configUpdateParameters(async: Bool) -> Schema {
        var properties = VMOptions.common.merging(vmParameters) { _, new in new }
        properties["delete"] = configIDList.describe("Settings to delete.")
        properties["revert"] = configIDList.describe("Pending changes to revert.")
        properties["digest"] = digest
        properties["skiplock"] = skiplock
        properties["force"] = Schema.boolean("Free the volumes of deleted disks instead of keeping them as unused[n].").optional()
            .requiring("delete")
        if async {
            properties["background_delay"] = Schema.integer("Seconds to wait for the task before answering.", minimum: 1, maximum: 30)
                .optional()
            properties["import-working-storage"] = Schema.string("Storage for import working data.", format: "pve-storage-id").optional()
        }
        return .object(properties)
    }

    static let resizableDisks: [String] = ["ide", "scsi", "virtio", "sata"].flatMap { bus in
        (0..<VMOptions.slots[bus]!).map { "\(bus)\($0)" }
    } + ["efidisk0", "tpmstate0"]

    static var qemuMethods: [APIMethod] {
        let vmOnly = Schema.object(vmParameters)
        return [
            APIMethod(
                .get, "/nodes/{node}/qemu", name: "vmlist", description: "Virtual machine index (per node).",
                parameters: .object(["node": Common.node, "full": Schema.boolean("Determine the full status of active VMs.").optional()]),
                returns: .array(of: vmListItem).with { $0.childLink = "{vmid}" },
                permissions: .anyUser(filter: "Only list VMs where you have VM.Audit permissions on /vms/<vmid>."),
                protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/qemu", name: "create_vm", description: "Create a virtual machine; runs as a task.",
                parameters: createParameters, returns: .string("The task's UPID."),
                permissions: .check(
                    .or([
                        .privileges(path: vmidPath, ["VM.Allocate"]),
                        .privileges(path: "/pool/{pool}", ["VM.Allocate"], requireParam: "pool"),
                    ]),
                    note: "Creating disks also needs 'Datastore.AllocateSpace' on each storage; 'args' needs root@pam."),
                protected: true, proxyTo: "node"
            ).takingOptions(vmConfigOptions).refusing(["ha-managed", "live-restore"]),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}", name: "vmdiridx", description: "Directory index of one VM.",
                parameters: vmOnly, returns: .index(), permissions: .anyUser(filter: nil), proxyTo: "node"
            ),
            APIMethod(
                .delete, "/nodes/{node}/qemu/{vmid}", name: "destroy_vm",
                description: "Destroy the VM and all used/owned volumes; runs as a task.",
                parameters: Schema.object(vmParameters.merging([
                    "purge": Schema.boolean("Remove the VMID from pools, ACLs and jobs too.").optional(),
                    "destroy-unreferenced-disks": Schema.boolean("Also destroy disks of this VMID that the config does not reference.")
                        .optional(),
                    "skiplock": skiplock,
                ]) { _, new in new }),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Allocate"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/config", name: "vm_config",
                description: "The VM configuration, with pending changes applied unless 'current' is set.",
                parameters: Schema.object(vmParameters.merging([
                    "current": Schema.boolean("Return the current values, ignoring pending changes.").optional(),
                    "snapshot": Schema.string("Return the config of this snapshot.", format: "pve-configid").optional(),
                ]) { _, new in new }),
                returns: Schema.object(["digest": .string("SHA-1 of the config file.")]).allowingAdditional(),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/config", name: "update_vm_async",
                description: "Change VM options; runs as a task (disk allocation may take a while).",
                parameters: configUpdateParameters(async: true), returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, configPrivileges, any: true)), protected: true, proxyTo: "node"
            ).takingOptions(vmConfigOptions),
            APIMethod(
                .put, "/nodes/{node}/qemu/{vmid}/config", name: "update_vm",
                description: "Change VM options synchronously.",
                parameters: configUpdateParameters(async: false),
                permissions: .check(.privileges(path: vmidPath, configPrivileges, any: true)), protected: true, proxyTo: "node"
            ).takingOptions(vmConfigOptions),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/pending", name: "vm_pending",
                description: "The VM configuration with current and pending values side by side.",
                parameters: vmOnly,
                returns: .array(of: Schema.object([
                    "key": .string("Config key."),
                    "value": Common.field(.string(), "Current value."),
                    "pending": Common.field(.string(), "Pending value."),
                    "delete": Common.field(.integer(minimum: 0, maximum: 2), "1: pending delete, 2: forced pending delete."),
                ])),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/qemu/{vmid}/resize", name: "resize_vm",
                description: "Grow a disk to an absolute size or by `+SIZE`; runs as a task.",
                parameters: Schema.object(vmParameters.merging([
                    "disk": Schema.enumeration(resizableDisks, "The disk to resize."),
                    "size": Schema.string("The new size, or `+SIZE` to add that much.", pattern: "\\+?\\d+(\\.\\d+)?[KMGT]?"),
                    "digest": digest, "skiplock": skiplock,
                ]) { _, new in new }),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Config.Disk"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/showcmd", name: "showcmd",
                description: "Faro extension behind `qm showcmd`: the QEMU command line the VM would start with.",
                parameters: Schema.object(vmParameters.merging([
                    "pretty": Schema.boolean("One option per line.").optional()
                ]) { _, new in new }),
                returns: .string("The command line."), permissions: .rootOnly, protected: true, proxyTo: "node"
            ),
        ]
    }
}
