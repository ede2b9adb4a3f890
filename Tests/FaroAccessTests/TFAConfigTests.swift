import FaroAccess
import FaroModel
import Testing

@Suite struct TFAConfigTests {
    /// A `tfa.cfg` as Proxmox writes it, with members Faro does not know (u2f, a top-level
    /// webauthn setting, a future field on an entry and on a user).
    static let proxmoxFile = """
        {"users":{"alice@pve":{"totp":[{"id":"totp-1","description":"phone","created":1700000000,\
        "entry":"otpauth://totp/alice%40pve?secret=JBSWY3DPEHPK3PXPJBSWY3DP&digits=6&algorithm=SHA1&period=30","future":7}],\
        "u2f":[{"id":"u2f-1","description":"old key","created":1600000000,"enable":false,"entry":{"key-handle":"abc","public-key":"def"}}],\
        "recovery":{"secret":"00112233445566778899aabbccddeeff","entries":["aa",null,"bb"],"created":1690000000},\
        "totp-locked":true,"something-new":{"x":1}}},\
        "webauthn":{"rp":"pve","origin":"https://pve.example:8006","id":"pve.example"}}
        """

    @Test func roundTripKeepsEverything() throws {
        let config = try TFAConfig.parse(Self.proxmoxFile)
        let alice = config["alice@pve"]
        #expect(alice.entries(.totp).map(\.description) == ["phone"])
        #expect(alice.entries(.u2f).first?.enable == false)
        #expect(alice.recovery?.availableIndices == [0, 2])
        #expect(alice.totpLocked)
        #expect(alice.allEntries.map(\.kind) == [.totp, .u2f, .recovery])
        let reparsed = try TFAConfig.parse(config.render())
        #expect(reparsed == config)
        #expect(try JSONParser.parse(config.render()) == JSONParser.parse(Self.proxmoxFile))
    }

    @Test func editsKeepUnknownMembers() throws {
        var config = try TFAConfig.parse(Self.proxmoxFile)
        var alice = config["alice@pve"]
        var totp = alice.entries(.totp)
        totp[0].description = "new phone"
        totp[0].enable = false
        alice.setEntries(.totp, totp)
        alice.totpLocked = false
        config["alice@pve"] = alice
        let json = try JSONParser.parse(config.render())
        let entry = json["users"]?["alice@pve"]?["totp"]?.arrayValue?.first
        #expect(entry?["future"] == 7)
        #expect(entry?["enable"] == false)
        #expect(entry?["description"] == "new phone")
        #expect(json["users"]?["alice@pve"]?["something-new"]?["x"] == 1)
        #expect(json["users"]?["alice@pve"]?["totp-locked"] == nil)
        #expect(json["webauthn"]?["rp"] == "pve")
        config["alice@pve"] = TFAUser.empty
        #expect(config.userIDs.isEmpty)
    }

    @Test func recoveryKeysAreSingleUse() {
        let (stored, plain) = RecoveryKeys.generate(created: 1)
        #expect(plain.count == 10)
        #expect(plain.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}/) != nil })
        #expect(Set(plain).count == 10)
        var keys = stored
        let first = keys.consume(plain[3])
        let again = keys.consume(plain[3])
        let unknown = keys.consume("0000-0000-0000-0000")
        #expect(first)
        #expect(!again, "used once")
        #expect(!unknown)
        #expect(keys.availableIndices == [0, 1, 2, 4, 5, 6, 7, 8, 9])
    }

    @Test func badFilesAreRefused() {
        #expect(throws: TFAConfig.ParseError.self) { try TFAConfig.parse("{not json") }
        #expect(throws: TFAConfig.ParseError.self) { try TFAConfig.parse("[1]") }
        #expect((try? TFAConfig.parse(""))?.userIDs == [])
    }
}
