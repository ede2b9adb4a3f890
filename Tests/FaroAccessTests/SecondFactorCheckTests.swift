import FaroAccess
import FaroModel
import Testing

@Suite struct SecondFactorCheckTests {
    static let now = 1_700_000_000
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DP"

    /// A user with one TOTP entry and recovery keys; the plain keys come back too.
    func user() throws -> (TFAUser, [String]) {
        var config = try TFAConfig.parse("""
            {"users":{"u@pve":{"totp":[{"id":"t1","description":"phone","created":1,\
            "entry":"otpauth://totp/u?secret=\(Self.secret)"}]}}}
            """)
        var user = config["u@pve"]
        let (keys, plain) = RecoveryKeys.generate(created: 1)
        user.recovery = keys
        config["u@pve"] = user
        return (user, plain)
    }

    var challenge: TFAChallenge {
        var challenge = TFAChallenge()
        challenge.totp = true
        challenge.recovery = [0]
        return challenge
    }

    func code(at time: Int) -> String { TOTP(secret: Base32.decode(Self.secret)!).code(at: time) }

    @Test func aCodeCountsOnce() throws {
        var (user, _) = try user()
        var attempts = TFAAttemptsFile()["u@pve"]
        let check = SecondFactorCheck(now: Self.now)
        #expect(check.verify(.totp(code(at: Self.now)), challenge: challenge, user: &user, attempts: &attempts) == .accepted)
        #expect(check.verify(.totp(code(at: Self.now)), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "TOTP code used before"))
        #expect(check.verify(.totp(code(at: Self.now - 30)), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "TOTP code used before"), "an older step after a newer one")
        #expect(SecondFactorCheck(now: Self.now + 30).verify(.totp(code(at: Self.now + 30)), challenge: challenge, user: &user, attempts: &attempts)
            == .accepted)
    }

    @Test func eightWrongCodesLockTOTPAndARecoveryKeyUnlocks() throws {
        var (user, plain) = try user()
        var attempts = TFAAttemptsFile()["u@pve"]
        let check = SecondFactorCheck(now: Self.now)
        for _ in 0..<8 { _ = check.verify(.totp("000000"), challenge: challenge, user: &user, attempts: &attempts) }
        #expect(user.totpLocked)
        #expect(check.verify(.totp(code(at: Self.now)), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "TOTP locked"))
        #expect(check.verify(.recovery(plain[0]), challenge: challenge, user: &user, attempts: &attempts) == .accepted)
        #expect(!user.totpLocked)
        #expect(check.verify(.recovery(plain[0]), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "wrong recovery key"), "each key once")
        #expect(check.verify(.totp(code(at: Self.now)), challenge: challenge, user: &user, attempts: &attempts) == .accepted)
    }

    @Test func aHundredFailuresBlockEveryFactorForAnHour() throws {
        var (user, plain) = try user()
        var attempts = TFAAttemptsFile()["u@pve"]
        let check = SecondFactorCheck(now: Self.now)
        for _ in 0..<100 { _ = check.verify(.recovery("0000-0000-0000-0000"), challenge: challenge, user: &user, attempts: &attempts) }
        #expect(user.tfaLockedUntil == Self.now + 3600)
        #expect(check.verify(.recovery(plain[1]), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "second factors locked until \(Self.now + 3600)"))
        let later = SecondFactorCheck(now: Self.now + 3601)
        #expect(later.verify(.recovery(plain[1]), challenge: challenge, user: &user, attempts: &attempts) == .accepted)
    }

    @Test func onlyWhatTheChallengeOffers() throws {
        var (user, _) = try user()
        var attempts = TFAAttemptsFile()["u@pve"]
        var recoveryOnly = TFAChallenge()
        recoveryOnly.recovery = [0]
        let check = SecondFactorCheck(now: Self.now)
        #expect(check.verify(.totp(code(at: Self.now)), challenge: recoveryOnly, user: &user, attempts: &attempts)
            == .refused(reason: "TOTP not allowed"))
        #expect(check.verify(.webauthn("{}"), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "WebAuthn not allowed"))
        #expect(check.verify(.other(kind: "yubico"), challenge: challenge, user: &user, attempts: &attempts)
            == .refused(reason: "unsupported second factor 'yubico'"))
        #expect(TFAResponse("totp:123456") == .totp("123456"))
        #expect(TFAResponse("123456") == .totp("123456"))
        #expect(TFAResponse("recovery:ab-cd") == .recovery("ab-cd"))
    }
}
