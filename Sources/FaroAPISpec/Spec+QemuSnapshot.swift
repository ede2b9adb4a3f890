import FaroSchema

extension APISpec {
    static let snapname = Schema.string("The name of the snapshot.", format: "pve-configid", maxLength: 40)

    /// What a `feature` method asks about.
    static let featureParameter = Schema.enumeration(["snapshot", "clone", "copy"], "Feature to check.")

    static var qemuSnapshotMethods: [APIMethod] {
        let vmSnapshot = Schema.object(vmParameters.merging(["snapname": snapname]) { _, new in new })
        let base = "/nodes/{node}/qemu/{vmid}/snapshot"
        return [
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/feature", name: "vm_feature", description: "Check if feature for virtual machine is available.",
                parameters: Schema.object(vmParameters).adding(["feature": featureParameter, "snapname": snapname.optional()]),
                returns: Schema.object(["hasFeature": .boolean(), "nodes": .array(of: .string())]),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, base, name: "snapshot_list", description: "List the VM's snapshots; the entry `current` comes last.",
                parameters: .object(vmParameters),
                returns: .array(of: Schema.object([
                    "name": .string("Snapshot name (`current` for the present state)."),
                    "description": .string("Snapshot description."),
                    "snaptime": Common.field(.integer(), "Creation time (seconds since the epoch)."),
                    "parent": Common.field(.string(), "The parent snapshot."),
                    "vmstate": Common.field(.boolean(), "Whether the RAM state was saved."),
                    "running": Common.field(.integer(), "For `current`: 1 when the VM runs."),
                ])).with { $0.childLink = "{name}" },
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), proxyTo: "node"
            ),
            APIMethod(
                .post, base, name: "snapshot", description: "Snapshot the VM's disks and config; runs as a task.",
                parameters: vmSnapshot.adding([
                    "description": Schema.string("A textual description or comment.").multiline().optional(),
                    "vmstate": Schema.boolean("Save the RAM state of a running VM too.").optional(),
                ]),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Snapshot"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, base + "/{snapname}", name: "snapshot_cmd_idx", description: "Directory index of one snapshot.",
                parameters: vmSnapshot, returns: .index(), permissions: .anyUser(filter: nil), proxyTo: "node"
            ),
            APIMethod(
                .delete, base + "/{snapname}", name: "delsnapshot", description: "Delete a snapshot; runs as a task.",
                parameters: vmSnapshot.adding([
                    "force": Schema.boolean("Remove it from the config even when removing the disk snapshots fails.").optional()
                ]),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Snapshot"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, base + "/{snapname}/config", name: "get_snapshot_config", description: "The config stored with a snapshot.",
                parameters: vmSnapshot, returns: Schema.object([:]).allowingAdditional(),
                permissions: .check(.privileges(path: vmidPath, ["VM.Snapshot", "VM.Snapshot.Rollback", "VM.Audit"], any: true)),
                proxyTo: "node"
            ),
            APIMethod(
                .put, base + "/{snapname}/config", name: "update_snapshot_config", description: "Change a snapshot's description.",
                parameters: vmSnapshot.adding(["description": Schema.string("A textual description or comment.").multiline().optional()]),
                permissions: .check(.privileges(path: vmidPath, ["VM.Snapshot"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .post, base + "/{snapname}/rollback", name: "rollback",
                description: "Roll the VM back to a snapshot (a running VM is stopped first); runs as a task.",
                parameters: vmSnapshot.adding(["start": Schema.boolean("Start the VM after the rollback (one with RAM state always continues).").optional()]),
                returns: .string("The task's UPID."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Snapshot", "VM.Snapshot.Rollback"], any: true)),
                protected: true, proxyTo: "node"
            ),
        ]
    }
}
