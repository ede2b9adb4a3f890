import Crypto
import FaroAccess
import FaroModel
import Foundation
import Testing

/// A software authenticator (a P-256 key in the test) against the relying party: registration
/// with attestation `none`, logins, and the checks that must refuse.
@Suite struct WebAuthnTests {
    static let party = WebAuthnRelyingParty(name: "Faro", origin: "https://faro.test:8006", id: "faro.test")
    let key = P256.Signing.PrivateKey()
    let credentialID: [UInt8] = Array(0..<16)

    /// CBOR heads and the few items the messages need.
    static func head(_ major: UInt8, _ value: Int) -> [UInt8] {
        value < 24 ? [major << 5 | UInt8(value)] : [major << 5 | 24, UInt8(value)]
    }
    static func int(_ value: Int) -> [UInt8] { value >= 0 ? head(0, value) : head(1, -1 - value) }
    static func bytes(_ value: [UInt8]) -> [UInt8] { head(2, value.count) + value }
    static func text(_ value: String) -> [UInt8] { head(3, value.utf8.count) + Array(value.utf8) }

    func authenticatorData(rpID: String = "faro.test", flags: UInt8, counter: UInt32, attested: Bool) -> [UInt8] {
        var data = Array(SHA256.hash(data: Data(rpID.utf8))) + [flags] + withUnsafeBytes(of: counter.bigEndian, Array.init)
        if attested {
            let raw = Array(key.publicKey.x963Representation)
            let cose = Self.head(5, 5) + Self.int(1) + Self.int(2) + Self.int(3) + Self.int(-7) + Self.int(-1) + Self.int(1)
                + Self.int(-2) + Self.bytes(Array(raw[1..<33])) + Self.int(-3) + Self.bytes(Array(raw[33..<65]))
            data += [UInt8](repeating: 0, count: 16) + [0, UInt8(credentialID.count)] + credentialID + cose
        }
        return data
    }

    func clientData(_ type: String, _ challenge: String, origin: String = "https://faro.test:8006") -> [UInt8] {
        Array(JSONWriter.string(["type": .string(type), "challenge": .string(challenge), "origin": .string(origin)]).utf8)
    }

    func registration(_ challenge: String) -> String {
        let attestation = Self.head(5, 3) + Self.text("fmt") + Self.text("none") + Self.text("attStmt") + Self.head(5, 0)
            + Self.text("authData") + Self.bytes(authenticatorData(flags: 0x41, counter: 0, attested: true))
        return JSONWriter.string([
            "id": .string(Base64URL.encode(credentialID)), "rawId": .string(Base64URL.encode(credentialID)), "type": "public-key",
            "response": [
                "attestationObject": .string(Base64URL.encode(attestation)),
                "clientDataJSON": .string(Base64URL.encode(clientData("webauthn.create", challenge))),
            ],
        ])
    }

    func assertion(_ challenge: String, counter: UInt32, origin: String = "https://faro.test:8006", signer: P256.Signing.PrivateKey? = nil) throws -> String {
        let data = authenticatorData(flags: 0x01, counter: counter, attested: false)
        let client = clientData("webauthn.get", challenge, origin: origin)
        let signature = try (signer ?? key).signature(for: Data(data + Array(SHA256.hash(data: Data(client)))))
        return JSONWriter.string([
            "id": .string(Base64URL.encode(credentialID)), "rawId": .string(Base64URL.encode(credentialID)), "type": "public-key",
            "response": [
                "authenticatorData": .string(Base64URL.encode(data)), "clientDataJSON": .string(Base64URL.encode(client)),
                "signature": .string(Base64URL.encode(Array(signature.derRepresentation))),
            ],
        ])
    }

    /// A user holding the registered credential, and attempts with one open login challenge.
    func registeredUser() throws -> (TFAUser, TFAAttempts, String) {
        let (_, challenge) = Self.party.registrationOptions(user: "u@pve", existing: [])
        let credential = try Self.party.finishRegistration(registration(challenge), challenge: challenge)
        #expect(credential["cred"]?["type_"] == "ES256")
        var config = TFAConfig()
        var user = config["u@pve"]
        user.setEntries(.webauthn, [TFAEntry(id: "w1", description: "key", created: 1, entry: credential)])
        config["u@pve"] = user
        let (options, nonce) = Self.party.loginOptions(credentials: user.entries(.webauthn))
        #expect(options["publicKey"]?["allowCredentials"]?.arrayValue?.first?["id"] == .string(Base64URL.encode(credentialID)))
        var file = TFAAttemptsFile()
        var attempts = file["u@pve"]
        attempts.webauthnChallenges = [["challenge": .string(nonce), "created": 1_000, "purpose": "login"]]
        file["u@pve"] = attempts
        return (user, attempts, nonce)
    }

    @Test func registersAndLogsIn() throws {
        var (user, attempts, nonce) = try registeredUser()
        let outcome = Self.party.verifyLogin(try assertion(nonce, counter: 5), user: &user, attempts: &attempts, now: 1_010)
        #expect(outcome == .accepted)
        #expect(user.entries(.webauthn).first?.entry["counter"] == 5)
        #expect(attempts.webauthnChallenges.isEmpty, "a challenge is answered once")
        let replay = Self.party.verifyLogin(try assertion(nonce, counter: 6), user: &user, attempts: &attempts, now: 1_010)
        #expect(replay == .refused(reason: "WebAuthn: unknown or expired challenge"))
    }

    @Test func refusesWhatIsWrong() throws {
        let cases: [(String, (String) throws -> String, Int)] = [
            ("WebAuthn: bad signature", { try assertion($0, counter: 5, signer: P256.Signing.PrivateKey()) }, 1_010),
            ("WebAuthn: origin does not match 'https://faro.test:8006'", { try assertion($0, counter: 5, origin: "https://evil.test") }, 1_010),
            ("WebAuthn: unknown or expired challenge", { try assertion($0, counter: 5) }, 1_000 + 301),
            ("WebAuthn: unknown or expired challenge", { _ in try assertion("other", counter: 5) }, 1_010),
        ]
        for (reason, make, now) in cases {
            var (user, attempts, nonce) = try registeredUser()
            #expect(Self.party.verifyLogin(try make(nonce), user: &user, attempts: &attempts, now: now) == .refused(reason: reason))
        }
        var (user, attempts, nonce) = try registeredUser()
        var stored = user.entries(.webauthn)
        stored[0].entry = .object((stored[0].entry.objectValue ?? [:]).merging(["counter": 9]) { $1 })
        user.setEntries(.webauthn, stored)
        #expect(Self.party.verifyLogin(try assertion(nonce, counter: 9), user: &user, attempts: &attempts, now: 1_010)
            == .refused(reason: "WebAuthn: signature counter 9 not above 9: a cloned authenticator?"))
    }

    @Test func registrationChecks() throws {
        let (_, challenge) = Self.party.registrationOptions(user: "u@pve", existing: [])
        #expect(throws: WebAuthnRelyingParty.Failure.invalid("unknown or expired challenge")) {
            try Self.party.finishRegistration(registration("other"), challenge: challenge)
        }
        let wrongParty = WebAuthnRelyingParty(name: "x", origin: "https://faro.test:8006", id: "other.test")
        #expect(throws: WebAuthnRelyingParty.Failure.invalid("relying party id hash does not match 'other.test'")) {
            try wrongParty.finishRegistration(registration(challenge), challenge: challenge)
        }
        #expect(WebAuthnRelyingParty(options: ["rp": "Faro", "origin": "https://faro.test:8006"])?.id == "faro.test")
        #expect(WebAuthnRelyingParty(options: ["rp": "Faro"]) == nil)
    }
}
