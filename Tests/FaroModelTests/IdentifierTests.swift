import FaroModel
import Testing

@Suite struct UPIDTests {
    @Test func encodesProxmoxFormat() {
        let upid = UPID(node: "pve", pid: 0x2A1B3, pstart: 0xC4D5E6, startTime: 0x65F1_A2B3, type: "qmstart", id: "100", user: "root@pam")
        #expect(upid.description == "UPID:pve:0002A1B3:00C4D5E6:65F1A2B3:qmstart:100:root@pam:")
        #expect(upid.description.split(separator: ":", omittingEmptySubsequences: false).count == 9)
        #expect(upid.bucket == "3")
    }

    @Test func parsesWhatItWrites() {
        let text = "UPID:pve1:0000A1B2:0012C3D4:65A1B2C3:aptupdate::root@pam:"
        let upid = UPID(text)
        #expect(upid?.type == "aptupdate")
        #expect(upid?.id == "")
        #expect(upid?.description == text)
        #expect(UPID("UPID:pve:0002A1B3:100C4D5E6:65F1A2B3:vzdump:100:u@pve!tok:")?.pstart == 0x1_00C4_D5E6)
    }

    @Test(arguments: [
        "UPID:pve:0002A1B3:00C4D5E6:65F1A2B3:qmstart:100:root@pam",
        "UPID:pve:2A1B3:00C4D5E6:65F1A2B3:qmstart:100:root@pam:",
        "UPID:-bad-:0002A1B3:00C4D5E6:65F1A2B3:qmstart:100:root@pam:",
        "UPID:pve:0002A1B3:00C4D5E6:65F1A2B3::100:root@pam:",
        "UPID:pve:0002A1B3:00C4D5E6:65F1A2B3:qm/start:100:root@pam:",
        "XPID:pve:0002A1B3:00C4D5E6:65F1A2B3:qmstart:100:root@pam:",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(UPID(text) == nil)
    }
}

@Suite struct IdentifierTests {
    @Test func vmidRange() {
        #expect(VMID(100) != nil)
        #expect(VMID(99) == nil)
        #expect(VMID(999_999_999) != nil)
        #expect(VMID(1_000_000_000) == nil)
        #expect(VMID("0100") == nil)
        #expect(VMID("12a") == nil)
    }

    @Test func userIDs() {
        #expect(UserID("root@pam") == .root)
        #expect(UserID("alice@pve!ci")?.token == "ci")
        #expect(UserID("alice@pve!ci")?.user == UserID("alice@pve"))
        #expect(UserID("nouser") == nil)
        #expect(UserID("a:b@pve") == nil)
        #expect(UserID("alice@pve!")  == nil)
        #expect(UserID.root.isRoot)
        #expect(UserID("root@pam!tok")?.isRoot == false)
    }

    @Test func nodeNames() {
        #expect(NodeName.isValid("pve-1"))
        #expect(!NodeName.isValid("-pve"))
        #expect(!NodeName.isValid("pve.local"))
        #expect(!NodeName.isValid(""))
    }
}
