import FaroGuestSchema
import FaroSchema

/// Templates, clones, disk moves and unlinking.
extension APISpec {
    static let movableDisks = resizableDisks + (0..<VMOptions.slots["unused"]!).map { "unused\($0)" }
    static let imageFormats = ["raw", "qcow2", "vmdk"]
    static let copyLimit = Schema.integer("Override the I/O bandwidth limit (in KiB/s); 0 means none.", minimum: 0).optional()

    static var cloneParameters: Schema {
        Schema.object(vmParameters.merging([
            "newid": Common.vmid.describe("VMID for the clone."),
            "name": Schema.string("Set a name for the new VM.", format: "dns-name").optional(),
            "description": Schema.string("Description for the new VM.").multiline().optional(),
            "full": Schema.boolean("Copy every disk. Always done for a VM; a template gets a linked clone by default.").optional(),
            "storage": Schema.string("Target storage for a full clone.", format: "pve-storage-id").optional(),
            "format": Schema.enumeration(imageFormats, "Target format for file storage; only for full clones.").optional(),
            "pool": Schema.string("Add the new VM to this pool.", format: "pve-poolid").optional(),
            "snapname": snapname.optional(),
            "target": Schema.string("Target node; only this node for now.", format: "pve-node").optional(),
            "bwlimit": copyLimit,
        ]) { _, new in new })
    }

    static var moveDiskParameters: Schema {
        Schema.object(vmParameters.merging([
            "disk": Schema.enumeration(movableDisks, "The disk you want to move."),
            "storage": Schema.string("Target storage.", format: "pve-storage-id").optional(),
            "format": Schema.enumeration(imageFormats, "Target format.").optional(),
            "delete": Schema.boolean("Free the original disk after the copy instead of keeping it as unused[n].")
                .defaulting(false).optional(),
            "digest": digest,
            "bwlimit": copyLimit,
            "target-vmid": Common.vmid.describe("Move the disk to this VM (not supported by Faro yet).").optional(),
            "target-disk": Schema.enumeration(movableDisks, "The config key on the target VM (not supported by Faro yet).")
                .optional(),
            "target-digest": Schema.string("The target VM's config digest (not supported by Faro yet).", maxLength: 40).optional(),
        ]) { _, new in new })
    }

    static var qemuDiskMethods: [APIMethod] {
        [
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/template", name: "template",
                description: "Convert the VM to a template (its disks become base volumes); runs as a task.",
                parameters: Schema.object(vmParameters.merging([
                    "disk": Schema.enumeration(resizableDisks, "Convert only this disk to a base volume.").optional()
                ]) { _, new in new }),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Allocate"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/clone", name: "clone_vm",
                description: "Create a copy of a VM or template (full or linked); runs as a task.",
                parameters: cloneParameters, returns: .string("The task's UPID."),
                permissions: .guestClone(sourcePath: vmidPath),
                protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/move_disk", name: "move_vm_disk",
                description: "Move a disk to another storage or format (live for a running VM); runs as a task.",
                parameters: moveDiskParameters, returns: .string("The task's UPID."),
                permissions: .check(
                    .privileges(path: vmidPath, ["VM.Config.Disk"]), note: "The target storage also needs 'Datastore.AllocateSpace'."),
                protected: true, proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/qemu/{vmid}/unlink", name: "unlink",
                description: "Detach disks: they become unused[n], or are destroyed with 'force'.",
                parameters: Schema.object(vmParameters.merging([
                    "idlist": Schema.string("The disks to detach.", format: "pve-configid-list"),
                    "force": Schema.boolean("Destroy the volumes instead of keeping them as unused[n] (unused[n] are always destroyed).")
                        .optional(),
                ]) { _, new in new }),
                permissions: .check(.privileges(path: vmidPath, ["VM.Config.Disk"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/importdisk", name: "importdisk",
                description: "Faro extension behind `qm disk import` (Proxmox runs it in the CLI): copy a disk image into a new "
                    + "volume of the VM, attached as the first free unused[n] or as `target-disk`; runs as a task.",
                parameters: Schema.object(vmParameters.merging([
                    "source": Schema.string("The image: an absolute path or a storage volume (raw, qcow2 or vmdk)."),
                    "storage": Schema.string("The storage for the new volume.", format: "pve-storage-id"),
                    "format": Schema.enumeration(["raw", "qcow2", "vmdk"], "The format of the new volume.").optional(),
                    "target-disk": Schema.string("Attach the disk as this drive (ide, sata, scsi or virtio slot) instead of unused[n].")
                        .optional(),
                ]) { _, new in new }),
                returns: .string("The task's UPID."), permissions: .rootOnly, protected: true, proxyTo: "node"
            ),
        ]
    }
}
