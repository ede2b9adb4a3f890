import FaroSchema

extension APISpec {
    static var backupInfoMethods: [APIMethod] {
        [
            APIMethod(
                .get, "/cluster/backup-info", name: "index", description: "Directory index of backup information.",
                returns: .array(of: .object(["subdir": .string()])).with { $0.childLink = "{subdir}" },
                permissions: .check(.privileges(path: "/", ["Sys.Audit"]))),
            APIMethod(
                .get, "/cluster/backup-info/not-backed-up", name: "get_guests_not_in_backup",
                description: "The guests no backup job covers (disabled jobs count as covering).",
                returns: .array(of: .object([
                    "vmid": .integer("VMID of the guest."), "type": .enumeration(["qemu", "lxc"], "Type of the guest."),
                    "name": Common.field(.string(), "Name of the guest."),
                ])),
                permissions: .check(.privileges(path: "/", ["Sys.Audit"]), note: "only guests the caller may audit are listed"),
                protected: true),
        ]
    }
}
