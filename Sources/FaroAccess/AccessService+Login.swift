import Dispatch
import FaroModel

extension AccessService {
    /// Checks credentials and issues a ticket. `password` may also be a valid ticket of the
    /// same user (or of root@pam), which renews it. Every failure is the same
    /// `authenticationFailure`, so a caller cannot tell a wrong password from a missing user.
    /// A user with second factors gets a half ticket (`needTFA`) unless `otp` (the legacy
    /// one-step form) already answers the challenge.
    public func login(username: String, password: String, realm: String?, otp: String? = nil) async throws -> LoginResult {
        var name = username
        if let realm, !name.contains("@") { name += "@" + realm }
        guard let user = UserID(name), user.token == nil else { throw AccessError.authenticationFailure }
        let state = try await state()
        let now = clock()
        guard let entry = state.config.users[user.description],
            state.evaluator.isActive(enable: entry.enable, expire: entry.expire, now: now)
        else { throw AccessError.authenticationFailure }
        if password.hasPrefix("PVE:"), let owner = state.signer.verify(password, now: now),
            owner == user.description || owner == UserID.root.description
        {
            return try issue(user, state)
        }
        switch user.realm {
        case "pve":
            guard let hash = state.shadow[user.description], PasswordHash.verify(password, against: hash) else {
                throw AccessError.authenticationFailure
            }
        case "pam":
            let pam = self.pam
            let accepted = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: pam.authenticate(user: user.name, password: password))
                }
            }
            guard accepted else { throw AccessError.authenticationFailure }
        default:
            throw AccessError.authenticationFailure
        }
        if let challenge = try await secondFactorChallenge(for: user) {
            guard let otp else { return try halfTicket(user, challenge, state) }
            try await checkSecondFactor(user, TFAResponse(otp), challenge: challenge)
        }
        return try issue(user, state)
    }

    func issue(_ user: UserID, _ state: State) throws -> LoginResult {
        let now = clock()
        return LoginResult(
            username: user.description, ticket: try state.signer.ticket(for: user.description, at: now),
            csrfToken: state.csrf.token(for: user.description, at: now),
            capabilities: state.evaluator.capabilities(for: user, now: now))
    }

    /// A console ticket for `user` on the ACL path `path` and the console `port`.
    public func consoleTicket(for user: UserID, path: String, port: Int) async throws -> String {
        try await state().signer.consoleTicket(secret: "\(user):\(path):\(port)", at: clock())
    }

    public func verifyConsoleTicket(_ ticket: String, for user: UserID, path: String, port: Int) async -> Bool {
        guard let state = try? await state() else { return false }
        return state.signer.verifyConsoleTicket(ticket, secret: "\(user):\(path):\(port)", now: clock())
    }

    /// Whether `password` is the user's current password (for `confirmation-password`).
    public func checkPassword(_ user: UserID, _ password: String) async -> Bool {
        guard let state = try? await state() else { return false }
        switch user.realm {
        case "pve": return state.shadow[user.description].map { PasswordHash.verify(password, against: $0) } ?? false
        case "pam":
            let pam = self.pam
            return await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: pam.authenticate(user: user.name, password: password))
                }
            }
        default: return false
        }
    }
}
