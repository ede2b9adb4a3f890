import Dispatch
import FaroModel
import FaroStore

/// Why an access operation failed, in words the API can pass on.
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    case authenticationFailure
    /// A login refused for a reason the log may name but the client must not learn.
    case authenticationRefused(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .authenticationFailure: return "authentication failure"
        case .authenticationRefused(let reason): return reason
        case .invalid(let message): return message
        }
    }
}

/// A successful login.
public struct LoginResult: Sendable {
    public let username: String
    public let ticket: String
    public let csrfToken: String
    public let capabilities: [String: [String: Bool]]
    /// The ticket is a half ticket: the second factor is still to come (Proxmox's `NeedTFA`).
    public internal(set) var needTFA = false
}

/// Access control backed by the config store: `user.cfg`, `domains.cfg`, `priv/shadow.cfg`,
/// `priv/token.cfg`, the ticket key pair and the CSRF secret. Parsed state is cached and
/// reloaded when one of these files changes, so every node of a cluster sees the same users.
public actor AccessService {
    struct State {
        let revision: Int64
        let config: UserConfig
        let evaluator: PermissionEvaluator
        let shadow: [String: String]
        let tokens: [String: String]
        let signer: TicketSigner
        let csrf: CSRFTokens
    }

    let store: any ConfigStore
    let pam: PAMRealm
    let clock: @Sendable () -> Int
    private var cached: State?
    /// Moves only when a file access control is built from changes (`user.cfg`, `domains.cfg`,
    /// `priv/...`, the ticket and CSRF keys), not with every write to the store.
    private let scope = ChangeScope(files: StoreLayout.accessFiles, prefixes: [StoreLayout.privatePrefix])
    /// How often the parsed state was built, for tests that prove unrelated writes keep it.
    public private(set) var loads = 0

    public init(store: any ConfigStore, pam: PAMRealm = PAMRealm(), clock: @escaping @Sendable () -> Int) {
        self.store = store
        self.pam = pam
        self.clock = clock
    }

    /// Creates what a fresh store lacks: the ticket key pair, the CSRF secret, `user.cfg`
    /// with root@pam, and the two built-in realms.
    public func bootstrap() async throws {
        if try await store.read(StoreLayout.authKey) == nil {
            let key = try TicketSigner.generatePrivateKeyPEM()
            try? await store.create(StoreLayout.authKey, data: Array(key.utf8))
            let stored = try await store.read(StoreLayout.authKey)?.text ?? key
            try await store.write(StoreLayout.authPublicKey, text: try TicketSigner.publicKeyPEM(ofPrivateKey: stored))
        }
        if try await store.read(StoreLayout.csrfSecret) == nil {
            try? await store.create(StoreLayout.csrfSecret, data: Array(CSRFTokens.generateSecret().utf8))
        }
        if try await store.read(StoreLayout.userConfig) == nil {
            try? await store.create(StoreLayout.userConfig, data: Array(UserConfig().render().utf8))
        }
        if try await store.read(StoreLayout.domains) == nil {
            try? await store.create(StoreLayout.domains, data: Array(Realms.defaultConfig.utf8))
        }
    }

    func state() async throws -> State {
        let revision = try await scope.revision(in: store)
        if let cached, cached.revision == revision { return cached }
        loads += 1
        async let userText = store.read(StoreLayout.userConfig)
        async let shadowText = store.read(StoreLayout.shadow)
        async let tokenText = store.read(StoreLayout.tokenSecrets)
        async let keyText = store.read(StoreLayout.authKey)
        async let csrfText = store.read(StoreLayout.csrfSecret)
        let config = UserConfig.parse(try await userText?.text ?? "").config
        guard let key = try await keyText?.text, let secret = try await csrfText?.text else {
            throw AccessError.invalid("access control is not initialised (no ticket key)")
        }
        let state = State(
            revision: revision, config: config, evaluator: PermissionEvaluator(config: config),
            shadow: SecretFiles.parseShadow(try await shadowText?.text ?? ""),
            tokens: SecretFiles.parseTokens(try await tokenText?.text ?? ""),
            signer: try TicketSigner(privateKeyPEM: key), csrf: CSRFTokens(secret: secret))
        cached = state
        return state
    }

    // MARK: verification

    public func verifyTicket(_ ticket: String) async -> UserID? {
        guard let state = try? await state(), let text = state.signer.verify(ticket, now: clock()),
            let user = UserID(text), user.token == nil, isActive(user, state)
        else { return nil }
        return user
    }

    private func isActive(_ user: UserID, _ state: State) -> Bool {
        guard let entry = state.config.users[user.description] else { return false }
        return state.evaluator.isActive(enable: entry.enable, expire: entry.expire, now: clock())
    }

    public func verifyCSRFToken(_ token: String, for user: UserID) async -> Bool {
        guard let state = try? await state() else { return false }
        return state.csrf.verify(token, for: user.description, now: clock())
    }

    public func verifyToken(_ token: UserID, secret: String) async -> Bool {
        guard let state = try? await state(), let name = token.token,
            let stored = state.tokens[token.description], SecretFiles.equal(stored, secret),
            let user = state.config.users[token.user.description], let entry = user.tokens[name]
        else { return false }
        let now = clock()
        return state.evaluator.isActive(enable: user.enable, expire: user.expire, now: now)
            && state.evaluator.isActive(enable: true, expire: entry.expire, now: now)
    }

    public func privileges(of id: UserID, on path: String) async -> Set<String> {
        guard let state = try? await state() else { return [] }
        return state.evaluator.privileges(for: id, path: path, now: clock())
    }

    /// The privileges on each of `paths`, evaluated against one snapshot of the configuration
    /// (a list filter over thousands of guests reads `user.cfg` once, not once per guest).
    public func privileges(of id: UserID, onEach paths: [String]) async -> [Set<String>] {
        guard let state = try? await state() else { return paths.map { _ in [] } }
        let now = clock()
        return paths.map { state.evaluator.privileges(for: id, path: $0, now: now) }
    }

    public func groups(of user: UserID) async -> [String] {
        (try? await state())?.config.groups(of: user.description) ?? []
    }

    /// Privilege → whether it propagates below `path`, as `/access/permissions?path=` shows them.
    public func privilegesWithPropagation(of id: UserID, on path: String) async throws -> [String: Bool] {
        try await state().evaluator.privilegesWithPropagation(for: id, path: path, now: clock())
    }

    public func permissionMap(for id: UserID) async throws -> [String: [String: Bool]] {
        try await state().evaluator.permissionMap(for: id, now: clock())
    }

    public func configuration() async throws -> UserConfig { try await state().config }
}
