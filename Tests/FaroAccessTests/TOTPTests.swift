import FaroAccess
import Testing

@Suite struct TOTPTests {
    static let times = [59, 1_111_111_109, 1_111_111_111, 1_234_567_890, 2_000_000_000, 20_000_000_000]

    /// RFC 6238, appendix B: 8-digit codes for the three HMAC algorithms.
    @Test(arguments: [
        (TOTP.Algorithm.sha1, "12345678901234567890", ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]),
        (.sha256, "12345678901234567890123456789012", ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"]),
        (.sha512, "1234567890123456789012345678901234567890123456789012345678901234",
            ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"]),
    ])
    func rfc6238Vectors(algorithm: TOTP.Algorithm, seed: String, codes: [String]) {
        let totp = TOTP(secret: Array(seed.utf8), algorithm: algorithm, digits: 8)
        #expect(Self.times.map { totp.code(at: $0) } == codes)
    }

    @Test func acceptsOneStepEitherSideOnly() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = 1_700_000_000
        #expect(totp.matchingStep(totp.code(at: now), at: now) == now / 30)
        #expect(totp.matchingStep(totp.code(at: now - 30), at: now) == now / 30 - 1)
        #expect(totp.matchingStep(totp.code(at: now + 30), at: now) == now / 30 + 1)
        #expect(totp.matchingStep(totp.code(at: now - 60), at: now) == nil)
        #expect(totp.matchingStep("12345", at: now) == nil, "wrong length")
    }

    @Test func uriRoundTripAndErrors() throws {
        let totp = try TOTP(uri: "otpauth://totp/Faro:alice%40pve?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Faro&digits=6&period=30")
        #expect(Base32.encode(totp.secret) == "JBSWY3DPEHPK3PXPJBSWY3DP")
        #expect(totp.issuer == "Faro")
        #expect(try TOTP(uri: totp.uri) == totp)
        #expect(throws: TOTP.URIError.notTOTP) { try TOTP(uri: "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP") }
        #expect(throws: TOTP.URIError.missingSecret) { try TOTP(uri: "otpauth://totp/x") }
        #expect(throws: TOTP.URIError.badSecret) { try TOTP(uri: "otpauth://totp/x?secret=not-base32!") }
        #expect(throws: TOTP.URIError.badParameter("digits")) { try TOTP(uri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=4") }
        #expect(throws: TOTP.URIError.badParameter("algorithm")) { try TOTP(uri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5") }
    }

    @Test func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw6ytboi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
    }
}
