import FaroAccess
import FaroModel
import Testing

@Suite struct UserConfigTests {
    static let sample = """
        user:root@pam:1:0:::root@example.com:::
        user:alice@pve:1:0:Alice:Smith:alice@example.com:Ops%3A lead%25:x:
        token:alice@pve!ci:0:1:build bot:
        token:alice@pve!full:1900000000:0::
        user:bob@pam:0:1700000000::::::

        group:admins:alice@pve,bob@pam:Administrators:
        group:empty:::

        pool:dev:Development:100,101:local:
        pool:dev/web::102::

        role:Backup:VM.Backup,VM.Audit,Datastore.AllocateSpace:

        acl:1:/:@admins:PVEAuditor:
        acl:0:/vms/100:alice@pve:PVEVMAdmin:
        acl:1:/pool/dev:alice@pve!ci:Backup:
        acl:1:/storage/local:bob@pam:NoAccess:

        """

    @Test func parsesEveryKindOfEntry() {
        let (config, warnings) = UserConfig.parse(Self.sample)
        #expect(warnings.isEmpty)
        #expect(config.users["alice@pve"]?.comment == "Ops: lead%")
        #expect(config.users["alice@pve"]?.tokens["ci"] == UserConfig.Token(expire: 0, privsep: true, comment: "build bot"))
        #expect(config.users["alice@pve"]?.tokens["full"]?.privsep == false)
        #expect(config.users["bob@pam"]?.enable == false)
        #expect(config.groups["admins"]?.users == ["alice@pve", "bob@pam"])
        #expect(config.pools["dev"]?.vms == [VMID(100)!, VMID(101)!])
        #expect(config.pools["dev/web"]?.vms == [VMID(102)!])
        #expect(config.customRoles["Backup"] == ["VM.Backup", "VM.Audit", "Datastore.AllocateSpace"])
        #expect(config.acl["/"]?[.group("admins")] == ["PVEAuditor": true])
        #expect(config.acl["/vms/100"]?[.user("alice@pve")] == ["PVEVMAdmin": false])
        #expect(config.acl["/pool/dev"]?[.token("alice@pve!ci")] == ["Backup": true])
        #expect(config.groups(of: "bob@pam") == ["admins"])
    }

    @Test func roundTripsInMeaning() {
        let config = UserConfig.parse(Self.sample).config
        let written = config.render()
        #expect(UserConfig.parse(written).config == config)
        #expect(written.contains("user:alice@pve:1:0:Alice:Smith:alice@example.com:Ops%3A lead%25:x:\ntoken:alice@pve!ci:0:1:build bot:\n"))
        #expect(!written.contains("role:PVE"), "built-in roles are never written")
    }

    @Test func skipsBrokenEntriesWithWarnings() {
        let (config, warnings) = UserConfig.parse("""
            user:notauser:1:0::::::
            token:ghost@pve!t:0:1::
            acl:1:/:nobody@pve:PVEAuditor:
            acl:1:/:root@pam:NoSuchRole:
            pool:a::100::
            pool:b::100::
            frobnicate:x:
            """)
        #expect(warnings.count == 6)
        #expect(config.users.keys.sorted() == ["root@pam"], "root@pam is always there")
        #expect(config.pools["b"]?.vms.isEmpty == true, "a VM belongs to one pool only")
    }

    @Test func mergesACLMembersWithTheSameRoles() {
        var config = UserConfig.parse(Self.sample).config
        config.setACL(path: "/vms/200", members: [.user("alice@pve"), .user("bob@pam")], roles: ["PVEVMUser"], propagate: true, delete: false)
        config.setACL(path: "/vms/200", members: [.user("root@pam")], roles: ["Administrator"], propagate: true, delete: false)
        let written = config.render()
        #expect(written.contains("acl:1:/vms/200:alice@pve,bob@pam:PVEVMUser:\n"))
        #expect(!written.contains("root@pam:Administrator"))
        config.removeUser("alice@pve")
        #expect(!config.render().contains("alice"))
    }

    @Test func builtinRolesMatchProxmox() {
        let roles = Privileges.builtinRoles
        #expect(roles["Administrator"] == Privileges.all)
        #expect(roles["NoAccess"] == [])
        #expect(roles["PVEVMAdmin"]?.contains("VM.Allocate") == true)
        #expect(roles["PVEVMAdmin"]?.contains("Permissions.Modify") == false)
        #expect(roles["PVEAdmin"]?.contains("Mapping.Modify") == false)
        #expect(roles["PVEAdmin"]?.contains("Sys.Modify") == false)
        #expect(roles["PVEAuditor"] == ["VM.Audit", "VM.GuestAgent.Audit", "Sys.Audit", "Datastore.Audit", "SDN.Audit", "Pool.Audit", "Mapping.Audit"])
        #expect(roles["PVETemplateUser"] == ["VM.Clone", "VM.Audit"])
        #expect(roles["PVESysUser"] == nil, "Sys has no user tier")
        #expect(roles["PVEDatastoreUser"] == ["Datastore.AllocateSpace", "Datastore.Audit"])
    }

    @Test func aclPaths() {
        #expect(ACLPath.normalize("//vms//100/") == "/vms/100")
        #expect(ACLPath.normalize("vms") == "/vms")
        #expect(ACLPath.normalize("/vms/1 00") == nil)
        #expect(ACLPath.isValidTarget("/vms/100"))
        #expect(ACLPath.isValidTarget("/pool/a/b/c"))
        #expect(!ACLPath.isValidTarget("/vms/abc"))
        #expect(!ACLPath.isValidTarget("/etc/passwd"))
    }
}
