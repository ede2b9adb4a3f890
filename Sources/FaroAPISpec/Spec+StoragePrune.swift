import FaroSchema

extension APISpec {
    static var pruneMethods: [APIMethod] {
        let parameters = Schema.object([
            "node": Common.node, "storage": storageID,
            "prune-backups": pruneBackups.optional().describe("Use these retention options instead of the storage's."),
            "type": Schema.enumeration(["qemu", "lxc"], "Only backups of guests of this type.").optional(),
            "vmid": Common.vmid.optional().describe("Only backups of this guest."),
        ])
        return [
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/prunebackups", name: "dryrun",
                description: "Which backups pruning would keep and remove.", parameters: parameters,
                returns: .array(of: .object([
                    "volid": .string("Backup volume identifier."), "ctime": .integer("Creation time (epoch seconds)."),
                    "mark": .string("keep, remove, protected, or renamed (not a standard name; never touched)."),
                    "type": .string("Guest type (qemu, lxc) or unknown."), "vmid": Common.field(.integer(), "Owner guest."),
                ])),
                permissions: .check(.privileges(path: "/storage/{storage}", ["Datastore.Audit", "Datastore.AllocateSpace"], any: true)),
                protected: true, proxyTo: "node"),
            APIMethod(
                .delete, "/nodes/{node}/storage/{storage}/prunebackups", name: "delete",
                description: "Remove the backups pruning marks for removal.", parameters: parameters, returns: .string("Task id."),
                permissions: .anyUser(filter: "'Datastore.Allocate' on the storage, or with `vmid`: 'Datastore.AllocateSpace' and 'VM.Backup' on the guest."),
                protected: true, proxyTo: "node"),
        ]
    }

    static var scanMethods: [APIMethod] {
        let allocate = PermissionCheck.privileges(path: "/storage", ["Datastore.Allocate"])
        return [
            APIMethod(
                .get, "/nodes/{node}/scan", name: "index", description: "The scan methods this node offers.",
                parameters: .object(["node": Common.node]),
                returns: .array(of: .object(["method": .string()])).with { $0.childLink = "{method}" }, permissions: .anyUser(filter: nil)),
            APIMethod(
                .get, "/nodes/{node}/scan/lvm", name: "lvmscan", description: "The node's LVM volume groups.",
                parameters: .object(["node": Common.node]), returns: .array(of: .object(["vg": .string("Volume group name.")])),
                permissions: .check(allocate), protected: true, proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/scan/lvmthin", name: "lvmthinscan", description: "The thin pools of an LVM volume group.",
                parameters: .object(["node": Common.node, "vg": Schema.string("Volume group.", format: "pve-storage-vgname")]),
                returns: .array(of: .object(["lv": .string("Thin pool name.")])), permissions: .check(allocate), protected: true,
                proxyTo: "node"),
        ]
    }
}
