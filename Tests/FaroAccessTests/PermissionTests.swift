import FaroAccess
import FaroModel
import Testing

/// The rules of Proxmox's permission algorithm, one scenario each.
@Suite struct PermissionTests {
    static let now = 1_800_000_000

    func privileges(_ cfg: String, _ id: String, _ path: String) -> Set<String> {
        PermissionEvaluator(config: UserConfig.parse(cfg).config).privileges(for: UserID(id)!, path: path, now: Self.now)
    }

    func roles(_ cfg: String, _ id: String, _ path: String) -> Set<String> {
        Set(PermissionEvaluator(config: UserConfig.parse(cfg).config).roles(for: UserID(id)!, path: path).keys)
    }

    let users = """
        user:u1@pve:1:0::::::
        user:u2@pve:1:0::::::
        group:g1:u1@pve,u2@pve::
        group:g2:u1@pve::
        role:R1:VM.Audit:
        role:R2:VM.PowerMgmt:

        """

    @Test func userEntryOverridesGroupAtTheSameLevel() {
        let cfg = users + "acl:1:/vms:@g1:R1:\nacl:1:/vms:u1@pve:R2:\n"
        #expect(roles(cfg, "u1@pve", "/vms/100") == ["R2"])
        #expect(roles(cfg, "u2@pve", "/vms/100") == ["R1"])
    }

    @Test func rolesOfSeveralGroupsAreUnited() {
        let cfg = users + "acl:1:/vms:@g1:R1:\nacl:1:/vms:@g2:R2:\n"
        #expect(roles(cfg, "u1@pve", "/vms/100") == ["R1", "R2"])
    }

    @Test func deeperEntriesReplaceInheritedOnes() {
        let cfg = users + "acl:1:/:@g1:R1:\nacl:1:/vms/100:@g2:R2:\n"
        #expect(roles(cfg, "u1@pve", "/vms/100") == ["R2"])
        #expect(roles(cfg, "u1@pve", "/vms/101") == ["R1"])
    }

    @Test func noAccessWins() {
        let cfg = users + "acl:1:/:@g1:PVEVMAdmin:\nacl:1:/vms:u1@pve:NoAccess,R1:\n"
        #expect(privileges(cfg, "u1@pve", "/vms/100").isEmpty)
        #expect(!privileges(cfg, "u2@pve", "/vms/100").isEmpty)
    }

    @Test func nonPropagatingEntriesApplyOnlyAtTheirPath() {
        let cfg = users + "acl:0:/a:u1@pve:R1:\nacl:1:/a/b/c:u1@pve:R2:\n"
        #expect(roles(cfg, "u1@pve", "/a") == ["R1"])
        #expect(roles(cfg, "u1@pve", "/a/b").isEmpty)
        #expect(roles(cfg, "u1@pve", "/a/b/c/d") == ["R2"])
    }

    @Test func poolsGrantTheirMembers() {
        let cfg = users + """
            pool:dev::100:local:
            pool:dev/web::101::
            acl:1:/pool/dev:u1@pve:PVEVMAdmin:
            acl:1:/vms/102:u1@pve:NoAccess:

            """
        #expect(privileges(cfg, "u1@pve", "/vms/100").contains("VM.Allocate"))
        #expect(privileges(cfg, "u1@pve", "/vms/101").contains("VM.Allocate"), "nested pools inherit")
        #expect(privileges(cfg, "u1@pve", "/storage/local").contains("VM.Allocate"))
        #expect(privileges(cfg, "u1@pve", "/vms/103").isEmpty)
        #expect(roles(cfg, "u1@pve", "/vms/100").isEmpty, "roles() ignores pools")
    }

    @Test func poolAndRegularNoAccess() {
        let regular = users + "pool:p::100::\nacl:1:/pool/p:u1@pve:PVEVMAdmin:\nacl:1:/vms/100:u1@pve:NoAccess:\n"
        #expect(privileges(regular, "u1@pve", "/vms/100").isEmpty, "pool roles do not cancel a regular NoAccess")
        let pool = users + "pool:p::100::\nacl:1:/pool/p:u1@pve:NoAccess:\nacl:1:/vms:u1@pve:PVEVMAdmin:\n"
        #expect(privileges(pool, "u1@pve", "/vms/100").isEmpty, "a pool NoAccess wipes regular roles")
        #expect(!privileges(pool, "u1@pve", "/vms/200").isEmpty)
    }

    @Test func tokensWithAndWithoutPrivilegeSeparation() {
        let cfg = """
            user:u1@pve:1:0::::::
            token:u1@pve!mirror:0:0::
            token:u1@pve!sep:0:1::
            token:u1@pve!old:1700000000:1::
            acl:1:/vms:u1@pve:PVEVMUser:
            acl:1:/:u1@pve!sep:Administrator:
            acl:1:/:u1@pve!old:Administrator:

            """
        let user = privileges(cfg, "u1@pve", "/vms/100")
        #expect(privileges(cfg, "u1@pve!mirror", "/vms/100") == user)
        #expect(privileges(cfg, "u1@pve!sep", "/vms/100") == user, "the intersection with the user")
        #expect(privileges(cfg, "u1@pve!sep", "/nodes/a").isEmpty)
        #expect(privileges(cfg, "u1@pve!old", "/vms/100").isEmpty, "expired token")
        #expect(privileges(cfg, "u1@pve!unknown", "/vms/100").isEmpty)
    }

    @Test func disabledOrExpiredUsersHaveNothingAndRootEverything() {
        let cfg = "user:d@pve:0:0::::::\nuser:e@pve:1:1700000000::::::\nacl:1:/:d@pve,e@pve:Administrator:\n"
        #expect(privileges(cfg, "d@pve", "/").isEmpty)
        #expect(privileges(cfg, "e@pve", "/").isEmpty)
        #expect(privileges(cfg, "root@pam", "/vms/1") == Privileges.all)
    }
}
