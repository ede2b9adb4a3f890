import FaroSchema

extension APISpec {
    static var poolMethods: [APIMethod] {
        let pool = Schema.string("Pool id.", format: "pve-poolid")
        let member = Schema.object([
            "id": .string("Member id (`qemu/100`, `storage/<node>/<storage>`)."),
            "type": .enumeration(["qemu", "lxc", "openvz", "storage"], "Member type."),
            "node": .string("Node."), "vmid": Common.field(.integer(), "Guest id."),
            "storage": Common.field(.string(), "Storage id."), "name": Common.field(.string(), "Guest name."),
        ]).allowingAdditional()
        let update = Schema.object([
            "poolid": pool, "comment": Schema.string("Free text.").optional(),
            "vms": Schema.string("Guests to add (or remove with `delete`).", format: "pve-vmid-list").optional(),
            "storage": Schema.string("Storages to add (or remove with `delete`).", format: "pve-storage-id-list").optional(),
            "delete": Schema.boolean("Remove the listed members.").defaulting(false).optional(),
            "allow-move": Schema.boolean("Move guests that belong to another pool.").defaulting(false).optional(),
        ])
        let allocate = PermissionCheck.privileges(path: "/pool/{poolid}", ["Pool.Allocate"])
        return [
            APIMethod(.get, "/pools", name: "index", description: "List pools, or one pool with its members.",
                parameters: .object([
                    "poolid": pool.optional(),
                    "type": Schema.enumeration(["qemu", "lxc", "storage"], "Only members of this type.").requiring("poolid").optional(),
                ]),
                returns: Schema.array(of: .object([
                    "poolid": pool, "comment": Common.field(.string(), "Free text."),
                    "members": Common.field(.array(of: member), "Members (when `poolid` is given)."),
                ])).with { $0.childLink = "{poolid}" },
                permissions: .anyUser(filter: "Pools on which you have 'Pool.Audit'.")),
            APIMethod(.post, "/pools", name: "create_pool", description: "Create a pool.",
                parameters: .object(["poolid": pool, "comment": Schema.string("Free text.").optional()]),
                permissions: .check(allocate), protected: true),
            APIMethod(.put, "/pools", name: "update_pool", description: "Change a pool's comment and members.",
                parameters: update, permissions: .check(allocate), protected: true),
            APIMethod(.delete, "/pools", name: "delete_pool", description: "Delete an empty pool.",
                parameters: .object(["poolid": pool]), permissions: .check(allocate), protected: true),
            APIMethod(.get, "/pools/{poolid}", name: "read_pool", description: "A pool with its members.",
                parameters: .object([
                    "poolid": pool,
                    "type": Schema.enumeration(["qemu", "lxc", "storage"], "Only members of this type.").optional(),
                ]),
                returns: .object(["comment": Common.field(.string(), "Free text."), "members": .array(of: member)]),
                permissions: .check(.privileges(path: "/pool/{poolid}", ["Pool.Audit"]))),
            APIMethod(.put, "/pools/{poolid}", name: "update_pool_deprecated", description: "Change a pool (old path form).",
                parameters: update, permissions: .check(allocate), protected: true),
            APIMethod(.delete, "/pools/{poolid}", name: "delete_pool_deprecated", description: "Delete an empty pool (old path form).",
                parameters: .object(["poolid": pool]), permissions: .check(allocate), protected: true),
        ]
    }
}
