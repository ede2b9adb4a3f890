/// Proxmox's privileges by category and tier, and the built-in roles made from them.
public enum Privileges {
    /// A category's privileges by tier: root-only, admin, user, audit.
    struct Category {
        let root: [String]
        let admin: [String]
        let user: [String]
        let audit: [String]
    }

    static let categories: [String: Category] = [
        "VM": Category(
            root: [],
            admin: [
                "VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType",
                "VM.Config.Options", "VM.Allocate", "VM.Clone", "VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.Replicate",
                "VM.Snapshot", "VM.Snapshot.Rollback",
            ],
            user: [
                "VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.GuestAgent.FileRead",
                "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite", "VM.PowerMgmt",
            ],
            audit: ["VM.Audit", "VM.GuestAgent.Audit"]),
        "Sys": Category(
            root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"],
            admin: ["Sys.Console", "Sys.Syslog"], user: [], audit: ["Sys.Audit"]),
        "Datastore": Category(
            root: [], admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"], user: ["Datastore.AllocateSpace"],
            audit: ["Datastore.Audit"]),
        "SDN": Category(root: [], admin: ["SDN.Allocate", "SDN.Audit"], user: ["SDN.Use"], audit: ["SDN.Audit"]),
        "User": Category(root: ["Realm.Allocate"], admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"], user: [], audit: []),
        "Pool": Category(root: [], admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"]),
        "Mapping": Category(root: [], admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"]),
    ]

    /// Every privilege name.
    public static let all: Set<String> = categories.values.reduce(into: ["Permissions.Modify"]) { all, category in
        all.formUnion(category.root + category.admin + category.user + category.audit)
    }

    /// The built-in roles; they are never written to `user.cfg` and cannot be changed.
    public static let builtinRoles: [String: Set<String>] = {
        var roles: [String: Set<String>] = ["Administrator": all, "NoAccess": []]
        var pveAdmin: Set<String> = []
        var auditor: Set<String> = []
        for (name, category) in categories {
            let admin = Set(category.admin + category.user + category.audit)
            roles["PVE\(name)Admin"] = admin
            if !category.user.isEmpty { roles["PVE\(name)User"] = Set(category.user + category.audit) }
            pveAdmin.formUnion(admin)
            auditor.formUnion(category.audit)
        }
        pveAdmin.remove("Mapping.Modify")
        roles["PVEAdmin"] = pveAdmin
        roles["PVEAuditor"] = auditor
        roles["PVETemplateUser"] = ["VM.Clone", "VM.Audit"]
        return roles
    }()

    public static func isBuiltin(_ role: String) -> Bool { builtinRoles[role] != nil }
}
