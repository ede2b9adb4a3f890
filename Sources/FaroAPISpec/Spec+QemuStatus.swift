import FaroSchema

extension APISpec {
    static func powerAction(_ name: String, _ path: String, _ description: String, _ extra: [String: Schema]) -> APIMethod {
        APIMethod(
            .post, "/nodes/{node}/qemu/{vmid}/status/\(path)", name: name, description: description + " Runs as a task.",
            parameters: Schema.object(vmParameters.merging(extra) { _, new in new }),
            returns: .string("The task's UPID."),
            permissions: .check(.privileges(path: vmidPath, ["VM.PowerMgmt"])), protected: true, proxyTo: "node"
        )
    }

    static let migrationOnly = "Used by migration (not supported by Faro yet)."

    static var qemuStatusMethods: [APIMethod] {
        let timeout = Schema.integer("Wait at most this many seconds.", minimum: 0).optional()
        return [
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/status", name: "vmcmdidx", description: "Directory index of the VM's status actions.",
                parameters: .object(vmParameters), returns: .index(), permissions: .anyUser(filter: nil), proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/status/current", name: "vm_status",
                description: "The VM's current status: process, run state and usage figures.",
                parameters: .object(vmParameters),
                returns: vmListItem.adding([
                    "ha": Schema.object(["managed": .integer("1 when HA manages the VM.")]).allowingAdditional(),
                    "agent": Common.field(.boolean(), "QEMU guest agent configured."),
                ]),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), protected: true, proxyTo: "node"
            ),
            powerAction("vm_start", "start", "Start the VM.", [
                "skiplock": skiplock,
                "timeout": Schema.integer("Seconds to wait for QEMU to start (default: max(30, memory in GiB)).", minimum: 0).optional(),
                "force-cpu": Schema.string("Override the QEMU -cpu argument (not supported by Faro yet).").optional(),
                "machine": Schema.string("Override the machine type (not supported by Faro yet).").optional(),
                "migratedfrom": Schema.string(migrationOnly, format: "pve-node").optional(),
                "migration_network": Schema.string(migrationOnly, format: "CIDR").optional(),
                "migration_type": Schema.enumeration(["secure", "insecure"], migrationOnly).optional(),
                "nets-host-mtu": Schema.string(migrationOnly).optional(),
                "stateuri": Schema.string(migrationOnly, maxLength: 128).optional(),
                "targetstorage": Schema.string(migrationOnly).optional(),
                "with-conntrack-state": Schema.boolean(migrationOnly).optional(),
            ]).refusing([
                "force-cpu", "machine", "migratedfrom", "stateuri", "targetstorage", "migration_type", "migration_network",
                "nets-host-mtu", "with-conntrack-state",
            ]),
            powerAction("vm_stop", "stop", "Stop the VM at once (like pulling the plug).", [
                "skiplock": skiplock, "timeout": timeout,
                "keepActive": Schema.boolean("Do not deactivate storage volumes.").optional(),
                "migratedfrom": Schema.string(migrationOnly, format: "pve-node").optional(),
                "overrule-shutdown": Schema.boolean("Abort running shutdown tasks of this VM first.").optional(),
            ]).refusing(["migratedfrom"]),
            powerAction("vm_reset", "reset", "Reset the VM.", ["skiplock": skiplock]),
            powerAction("vm_shutdown", "shutdown", "Shut the VM down through ACPI; with forceStop, stop it when the timeout passes.", [
                "skiplock": skiplock, "timeout": timeout,
                "forceStop": Schema.boolean("Stop the VM if it did not shut down in time.").optional(),
                "keepActive": Schema.boolean("Do not deactivate storage volumes.").optional(),
            ]),
            powerAction("vm_reboot", "reboot", "Shut the VM down and start it again, applying pending changes.", ["timeout": timeout]),
            powerAction("vm_suspend", "suspend", "Pause the VM.", [
                "skiplock": skiplock,
                "todisk": Schema.boolean("Hibernate: save the RAM to disk and stop (not supported by Faro yet).").optional(),
                "statestorage": Schema.string("Storage for the VM state.", format: "pve-storage-id").optional(),
            ]),
            powerAction("vm_resume", "resume", "Resume a paused VM.", [
                "skiplock": skiplock, "nocheck": Schema.boolean("Skip the config check (migration).").optional(),
            ]),
        ]
    }
}
