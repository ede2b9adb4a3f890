import FaroGuestSchema
import FaroSchema

extension APISpec {
    /// Snapshots, clones, templates, resize and the freezer of containers.
    static var lxcSnapshotMethods: [APIMethod] {
        let ct = "/nodes/{node}/lxc/{vmid}"
        let params = Schema.object(vmParameters)
        let snapshot = Schema.object(vmParameters.merging(["snapname": snapname]) { _, new in new })
        let task = Schema.string("The task id (UPID).")
        let disks = ["rootfs"] + (0..<ContainerSchema.maxMountPoints).map { "mp\($0)" }
        func check(_ privileges: [String], any: Bool = false) -> Permissions {
            .check(.privileges(path: vmidPath, privileges, any: any))
        }
        return [
            APIMethod(
                .get, ct + "/feature", name: "vm_feature", description: "Check if feature for virtual machine is available.",
                parameters: params.adding(["feature": featureParameter, "snapname": snapname.optional()]),
                returns: Schema.object(["hasFeature": .boolean()]),
                permissions: check(["VM.Audit"]), protected: true, proxyTo: "node"),
            APIMethod(
                .get, ct + "/pending", name: "vm_pending", description: "Get container configuration, including pending changes.",
                parameters: params,
                returns: .array(of: Schema.object([
                    "key": .string("Configuration option name."),
                    "value": Common.field(.string(), "Current value."),
                    "pending": Common.field(.string(), "Pending value."),
                    "delete": Common.field(.integer(nil, minimum: 0, maximum: 2), "Indicates a pending delete request if present and not 0."),
                ])),
                permissions: check(["VM.Audit"]), proxyTo: "node"),
            APIMethod(
                .get, ct + "/snapshot", name: "list", description: "List all snapshots; the entry `current` comes last.",
                parameters: params,
                returns: .array(of: Schema.object([
                    "name": .string("Snapshot identifier. Value 'current' identifies the current container."),
                    "description": .string("Snapshot description."),
                    "snaptime": Common.field(.integer(), "Snapshot creation time."),
                    "parent": Common.field(.string(), "Parent snapshot identifier."),
                ])).with { $0.childLink = "{name}" },
                permissions: check(["VM.Audit"]), proxyTo: "node"),
            APIMethod(
                .post, ct + "/snapshot", name: "snapshot", description: "Snapshot a container.",
                parameters: snapshot.adding(["description": Schema.string("A textual description or comment.").multiline().optional()]),
                returns: task, permissions: check(["VM.Snapshot"]), protected: true, proxyTo: "node"),
            APIMethod(
                .get, ct + "/snapshot/{snapname}", name: "snapshot_cmd_idx", description: "Directory index of one snapshot.",
                parameters: snapshot, returns: .index(), permissions: .anyUser(filter: nil), proxyTo: "node"),
            APIMethod(
                .delete, ct + "/snapshot/{snapname}", name: "delsnapshot", description: "Delete a LXC snapshot.",
                parameters: snapshot.adding([
                    "force": Schema.boolean("For removal from config file, even if removing disk snapshots fails.").optional()
                ]),
                returns: task, permissions: check(["VM.Snapshot"]), protected: true, proxyTo: "node"),
            APIMethod(
                .get, ct + "/snapshot/{snapname}/config", name: "get_snapshot_config", description: "Get snapshot configuration",
                parameters: snapshot, returns: Schema.object([:]).allowingAdditional(),
                permissions: check(["VM.Snapshot", "VM.Snapshot.Rollback", "VM.Audit"], any: true), proxyTo: "node"),
            APIMethod(
                .put, ct + "/snapshot/{snapname}/config", name: "update_snapshot_config", description: "Update snapshot metadata.",
                parameters: snapshot.adding(["description": Schema.string("A textual description or comment.").multiline().optional()]),
                permissions: check(["VM.Snapshot"]), protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/snapshot/{snapname}/rollback", name: "rollback",
                description: "Rollback LXC state to specified snapshot (a running container is stopped first).",
                parameters: snapshot.adding(["start": Schema.boolean("Whether the container should get started after rolling back successfully").defaulting(false).optional()]),
                returns: task, permissions: check(["VM.Snapshot", "VM.Snapshot.Rollback"], any: true), protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/template", name: "template", description: "Create a Template.",
                parameters: params, permissions: check(["VM.Allocate"]), protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/clone", name: "clone_vm", description: "Create a container clone/copy",
                parameters: params.adding([
                    "newid": Common.vmid.describe("VMID for the clone."),
                    "full": Schema.boolean("Create a full copy of all disks (default for non-templates; templates default to linked clones).").optional(),
                    "hostname": Schema.string("Set a hostname for the new CT.", format: "dns-name").optional(),
                    "description": Schema.string("Description for the new CT.").multiline().optional(),
                    "storage": Schema.string("Target storage for full clone.", format: "pve-storage-id").optional(),
                    "pool": Schema.string("Add the new CT to the specified pool.", format: "pve-poolid").optional(),
                    "snapname": snapname.optional(),
                    "target": Schema.string("Target node.", format: "pve-node").optional(),
                    "bwlimit": Schema.number("Override I/O bandwidth limit (in KiB/s).", minimum: 0).optional(),
                ]),
                returns: task,
                permissions: .guestClone(sourcePath: vmidPath),
                protected: true, proxyTo: "node"),
            APIMethod(
                .put, ct + "/resize", name: "resize_vm", description: "Resize a container mount point.",
                parameters: params.adding([
                    "disk": Schema.enumeration(disks, "The disk you want to resize."),
                    "size": Schema.string("The new size. With the '+' sign the value is added to the actual size of the volume.", pattern: "\\+?\\d+(\\.\\d+)?[KMGT]?"),
                    "digest": Schema.string("Prevent changes if current configuration file has a different SHA1 digest.", maxLength: 40).optional(),
                ]),
                returns: task, permissions: check(["VM.Config.Disk"]), protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/move_volume", name: "move_volume",
                description: "Move a rootfs-/mp-volume to a different storage, or an mp-/unused-volume to another container of this node.",
                parameters: params.adding([
                    "volume": Schema.enumeration(disks + (0..<ContainerSchema.maxMountPoints).map { "unused\($0)" }, "Volume which will be moved."),
                    "storage": Schema.string("Target Storage.", format: "pve-storage-id").optional(),
                    "delete": Schema.boolean("Delete the original volume after successful copy.").defaulting(false).optional(),
                    "digest": Schema.string("Prevent changes if current configuration file has a different SHA1 digest.", maxLength: 40).optional(),
                    "target-vmid": Common.vmid.describe("The (unique) ID of the VM.").optional(),
                    "target-volume": Schema.enumeration(disks + (0..<ContainerSchema.maxMountPoints).map { "unused\($0)" }, "The config key the volume will be moved to.").optional(),
                    "target-digest": Schema.string("Prevent changes if the target's config file has a different SHA1 digest.", maxLength: 40).optional(),
                    "bwlimit": Schema.number("Override I/O bandwidth limit (in KiB/s).", minimum: 0).optional(),
                ]),
                returns: task,
                permissions: .check(.privileges(path: vmidPath, ["VM.Config.Disk"]),
                    note: "Also 'Datastore.AllocateSpace' on the target storage, or 'VM.Config.Disk' on the target container."),
                protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/status/suspend", name: "vm_suspend", description: "Suspend the container (freeze its processes).",
                parameters: params, returns: task, permissions: check(["VM.PowerMgmt"]), protected: true, proxyTo: "node"),
            APIMethod(
                .post, ct + "/status/resume", name: "vm_resume", description: "Resume the container (thaw its processes).",
                parameters: params, returns: task, permissions: check(["VM.PowerMgmt"]), protected: true, proxyTo: "node"),
        ]
    }
}
