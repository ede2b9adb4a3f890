import FaroModel
import FaroStore

extension AccessService {
    /// Applies a change to `user.cfg` under the cluster lock, with compare-and-swap, so
    /// concurrent writers on any node cannot lose each other's changes.
    @discardableResult
    public func updateConfig<T: Sendable>(_ change: @Sendable (inout UserConfig) throws -> T) async throws -> T {
        try await store.withLock(StoreLayout.userConfig) {
            let file = try await store.read(StoreLayout.userConfig)
            var config = UserConfig.parse(file?.text ?? "").config
            let result = try change(&config)
            try await store.write(StoreLayout.userConfig, data: Array(config.render().utf8), ifRevision: file?.revision ?? 0)
            return result
        }
    }

    /// Sets (or with nil removes) a `pve` realm password.
    public func setPassword(_ user: UserID, _ password: String?) async throws {
        try await updateSecrets(StoreLayout.shadow, parse: SecretFiles.parseShadow, render: SecretFiles.renderShadow) {
            $0[user.description] = password.map(PasswordHash.make)
        }
    }

    /// Stores (or with nil removes) an API token's secret.
    public func setTokenSecret(_ token: UserID, _ secret: String?) async throws {
        try await updateSecrets(StoreLayout.tokenSecrets, parse: SecretFiles.parseTokens, render: SecretFiles.renderTokens) {
            $0[token.description] = secret
        }
    }

    /// Removes the secrets of a user and all its tokens, and the user's second factors.
    public func removeSecrets(of user: UserID) async throws {
        try await setPassword(user, nil)
        try await updateTFA { config, attempts in
            config[user.description] = .empty
            attempts[user.description] = TFAAttemptsFile()[user.description]
        }
        try await updateSecrets(StoreLayout.tokenSecrets, parse: SecretFiles.parseTokens, render: SecretFiles.renderTokens) { secrets in
            for key in secrets.keys where key.hasPrefix(user.description + "!") { secrets.removeValue(forKey: key) }
        }
    }

    private func updateSecrets(
        _ path: String, parse: @Sendable (String) -> [String: String], render: @Sendable ([String: String]) -> String,
        _ change: @Sendable (inout [String: String]) -> Void
    ) async throws {
        try await store.withLock(path) {
            let file = try await store.read(path)
            var secrets = parse(file?.text ?? "")
            change(&secrets)
            try await store.write(path, data: Array(render(secrets).utf8), ifRevision: file?.revision ?? 0)
        }
    }
}
