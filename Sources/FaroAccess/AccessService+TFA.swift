import FaroConfig
import FaroModel
import FaroStore

/// The second factors of users: `priv/tfa.cfg` in Proxmox's format, and what the login's
/// second step remembers between attempts in `priv/tfa-attempts.json`. Both change only under
/// the store lock `tfa.cfg`.
extension AccessService {
    static let tfaFile = StoreLayout.tfa
    static let tfaAttemptsFile = StoreLayout.tfaAttempts
    static let tfaLock = "tfa.cfg"

    public func tfaConfig() async throws -> TFAConfig {
        try TFAConfig.parse(try await store.read(Self.tfaFile)?.text ?? "")
    }

    /// Applies `change` to both files under the lock, writing each one only when it changed.
    @discardableResult
    public func updateTFA<T: Sendable>(
        _ change: @Sendable (inout TFAConfig, inout TFAAttemptsFile) throws -> T
    ) async throws -> T {
        try await store.withLock(Self.tfaLock) {
            async let configFile = store.read(Self.tfaFile)
            async let attemptsFile = store.read(Self.tfaAttemptsFile)
            let configRead = try await configFile
            let attemptsRead = try await attemptsFile
            let original = try TFAConfig.parse(configRead?.text ?? "")
            let originalAttempts = TFAAttemptsFile.parse(attemptsRead?.text ?? "")
            var config = original
            var attempts = originalAttempts
            let result = try change(&config, &attempts)
            if config != original {
                try await store.write(Self.tfaFile, data: Array(config.render().utf8), ifRevision: configRead?.revision ?? 0)
            }
            if attempts != originalAttempts {
                try await store.write(
                    Self.tfaAttemptsFile, data: Array(attempts.render().utf8), ifRevision: attemptsRead?.revision ?? 0)
            }
            return result
        }
    }

    /// Keeps Proxmox's mark in `user.cfg`: `keys` is `x` while the user has entries in `tfa.cfg`.
    public func markSecondFactors(of user: UserID, present: Bool) async throws {
        try await updateConfig { config in
            guard let entry = config.users[user.description] else { return }
            if present, entry.keys.isEmpty { config.users[user.description]?.keys = "x" }
            if !present, entry.keys.hasPrefix("x") { config.users[user.description]?.keys = "" }
        }
    }

    /// Clears the locks after too many wrong second factors; true when the user was locked.
    public func unlockSecondFactors(of user: UserID) async throws -> Bool {
        let now = clock()
        return try await updateTFA { config, attempts in
            var data = config[user.description]
            let wasLocked = data.totpLocked || (data.tfaLockedUntil ?? 0) > now
            data.totpLocked = false
            data.tfaLockedUntil = nil
            config[user.description] = data
            var counters = attempts[user.description]
            counters.failures = 0
            counters.totpFailures = 0
            attempts[user.description] = counters
            return wasLocked
        }
    }

    /// The WebAuthn relying party of `datacenter.cfg`, nil when WebAuthn is not configured.
    public func webauthnRelyingParty() async throws -> WebAuthnRelyingParty? {
        let text = try await store.read(StoreLayout.datacenterConfig)?.text ?? ""
        return WebAuthnRelyingParty(options: DatacenterConfig.reading(text).config.propertyValues("webauthn"))
    }
}
