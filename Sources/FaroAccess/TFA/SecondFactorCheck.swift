import FaroModel

/// Checks one answer to a login challenge against a user's factors, and counts failures with
/// Proxmox's limits: 8 wrong TOTP codes lock the user's TOTP entries (a recovery key or an
/// admin unlocks them); 100 failures of any kind block every second factor for an hour.
/// Pure: the caller reads the user's data and attempts, and writes back what this changed.
public struct SecondFactorCheck: Sendable {
    public static let totpLimit = 8
    public static let failureLimit = 100
    public static let lockSeconds = 3600

    public enum Outcome: Sendable, Equatable {
        case accepted
        /// Refused; `reason` is for the log, never for the client.
        case refused(reason: String)
    }

    public let now: Int
    public let webauthn: WebAuthnRelyingParty?

    public init(now: Int, webauthn: WebAuthnRelyingParty? = nil) {
        self.now = now
        self.webauthn = webauthn
    }

    public func verify(
        _ response: TFAResponse, challenge: TFAChallenge, user: inout TFAUser, attempts: inout TFAAttempts
    ) -> Outcome {
        if let until = user.tfaLockedUntil, until > now { return .refused(reason: "second factors locked until \(until)") }
        let outcome: Outcome
        switch response {
        case .totp(let code):
            outcome = challenge.totp ? checkTOTP(code, user: &user, attempts: &attempts) : .refused(reason: "TOTP not allowed")
            if outcome == .accepted {
                attempts.totpFailures = 0
            } else {
                attempts.totpFailures += 1
                if attempts.totpFailures >= Self.totpLimit { user.totpLocked = true }
            }
        case .recovery(let key):
            var keys = user.recovery
            if !challenge.recovery.isEmpty, keys?.consume(key) == true {
                user.recovery = keys
                user.totpLocked = false
                attempts.totpFailures = 0
                outcome = .accepted
            } else {
                outcome = .refused(reason: "wrong recovery key")
            }
        case .webauthn(let text):
            if let webauthn, challenge.webauthn != nil {
                outcome = webauthn.verifyLogin(text, user: &user, attempts: &attempts, now: now)
            } else {
                outcome = .refused(reason: "WebAuthn not allowed")
            }
        case .other(let kind):
            outcome = .refused(reason: "unsupported second factor '\(kind)'")
        }
        if outcome == .accepted {
            attempts.failures = 0
        } else {
            attempts.failures += 1
            if attempts.failures >= Self.failureLimit {
                user.tfaLockedUntil = now + Self.lockSeconds
                attempts.failures = 0
            }
        }
        return outcome
    }

    private func checkTOTP(_ code: String, user: inout TFAUser, attempts: inout TFAAttempts) -> Outcome {
        guard !user.totpLocked else { return .refused(reason: "TOTP locked") }
        for entry in user.entries(.totp) where entry.enable {
            guard let uri = entry.entry.stringValue, let totp = try? TOTP(uri: uri),
                let step = totp.matchingStep(code, at: now)
            else { continue }
            if let last = attempts.lastStep(of: entry.id), step <= last { return .refused(reason: "TOTP code used before") }
            attempts.setLastStep(step, of: entry.id)
            return .accepted
        }
        return .refused(reason: "wrong TOTP code")
    }
}
