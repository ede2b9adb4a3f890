import FaroAccess
import Foundation
import Testing

@Suite struct CredentialTests {
    @Test func ticketsVerifyWithinTheirLifetime() throws {
        let signer = try TicketSigner(privateKeyPEM: try TicketSigner.generatePrivateKeyPEM())
        let ticket = try signer.ticket(for: "alice@pve", at: 0x6553_F100)
        #expect(ticket.hasPrefix("PVE:alice@pve:6553F100::"))
        #expect(signer.verify(ticket, now: 0x6553_F100 + 7000) == "alice@pve")
        #expect(signer.verify(ticket, now: 0x6553_F100 + 7200) == nil, "expired")
        #expect(signer.verify(ticket, now: 0x6553_F100 - 301) == nil, "from the future")
        let tampered = ticket.replacingOccurrences(of: "alice@pve", with: "root@pam")
        #expect(signer.verify(tampered, now: 0x6553_F100) == nil)
        let other = try TicketSigner(privateKeyPEM: try TicketSigner.generatePrivateKeyPEM())
        #expect(other.verify(ticket, now: 0x6553_F100) == nil, "a foreign key's ticket")
        #expect(signer.verify("PVE:alice@pve:6553F100::bm90IGEgc2lnbmF0dXJl", now: 0x6553_F100) == nil)
        #expect(signer.verify("garbage", now: 0) == nil)
    }

    @Test func csrfTokens() {
        let tokens = CSRFTokens(secret: "secret-key\n")
        let token = tokens.token(for: "alice@pve", at: 0x6553_F100)
        #expect(token.hasPrefix("6553F100:"))
        #expect(token.split(separator: ":")[1].count == 43, "unpadded base64 of 32 bytes")
        #expect(tokens.verify(token, for: "alice@pve", now: 0x6553_F100 + 10))
        #expect(!tokens.verify(token, for: "bob@pve", now: 0x6553_F100 + 10))
        #expect(!tokens.verify(token, for: "alice@pve", now: 0x6553_F100 + 7200))
        #expect(!CSRFTokens(secret: "other").verify(token, for: "alice@pve", now: 0x6553_F100))
    }

    @Test func passwordHashesMatchCrypt() {
        // Produced with `openssl passwd -6 -salt saltsalt secret` and `-5`.
        #expect(PasswordHash.hash("secret", setting: "$6$saltsalt")
            == "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1")
        #expect(PasswordHash.hash("secret", setting: "$5$saltsalt") == "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA")
        let long = "a much longer password that exceeds sixty-four bytes in length, definitely more than that"
        #expect(PasswordHash.hash(long, setting: "$6$abcdefghijklmnop")
            == "$6$abcdefghijklmnop$qW3Ql7grABv9lJ4gCXZeyv4m2BVeFPsU.V9nLBsyvmwEY4H5vmBwApBIhD9MpsXnFCSEYIWRTDVJKNwxZwQO4.")
        let made = PasswordHash.make("hunter22")
        #expect(made.hasPrefix("$6$"))
        #expect(PasswordHash.verify("hunter22", against: made))
        #expect(!PasswordHash.verify("hunter23", against: made))
        #expect(!PasswordHash.verify("x", against: "$1$old$md5"))
    }

    @Test func secretFiles() {
        let shadow = SecretFiles.renderShadow(["a@pve": "$6$x$y"])
        #expect(shadow == "a@pve:$6$x$y:\n")
        #expect(SecretFiles.parseShadow(shadow) == ["a@pve": "$6$x$y"])
        let tokens = SecretFiles.renderTokens(["a@pve!t": "1234"])
        #expect(SecretFiles.parseTokens(tokens) == ["a@pve!t": "1234"])
    }
}
