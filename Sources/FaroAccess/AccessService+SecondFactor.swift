import FaroModel

/// The two-step login: after the password, a user with second factors (or in a realm whose
/// `tfa` option demands one) gets a half ticket `PVE:!tfa!<challenge>:...`, bound to the user
/// and good for nothing but `completeLogin`.
extension AccessService {
    static let halfTicketPrefix = "!tfa!"

    /// The challenge for `user` after the first factor, or nil when none is needed. Refuses a
    /// user whose realm demands a kind of factor the user does not have.
    func secondFactorChallenge(for user: UserID) async throws -> TFAChallenge? {
        let realm = try await realms().realms.first { $0.id == user.realm }
        let required = RealmTFA(realm?.options["tfa"])
        if required == nil, try await tfaConfig()[user.description].isEmpty { return nil }
        let relyingParty = try await webauthnRelyingParty()
        let now = clock()
        return try await updateTFA { config, attempts in
            let data = config[user.description]
            var challenge = TFAChallenge()
            challenge.totp = !data.totpLocked && data.entries(.totp).contains(where: \.enable)
            challenge.recovery = data.recovery?.availableIndices ?? []
            challenge.yubico = data.entries(.yubico).contains(where: \.enable)
            let credentials = data.entries(.webauthn).filter(\.enable)
            if let relyingParty, !credentials.isEmpty, required == nil {
                let (options, nonce) = relyingParty.loginOptions(credentials: credentials)
                challenge.webauthn = options
                var open = attempts[user.description]
                open.webauthnChallenges = open.webauthnChallenges.filter {
                    ($0["created"]?.intValue ?? 0) + WebAuthnRelyingParty.challengeLifetime > now
                } + [["challenge": .string(nonce), "created": .int(now), "purpose": "login"]]
                attempts[user.description] = open
            }
            switch required?.type {
            case nil:
                return challenge.isEmpty ? nil : challenge
            case "oath":
                guard !data.entries(.totp).isEmpty else { throw AccessError.authenticationRefused("missing required 2nd keys") }
                challenge.yubico = false
                return challenge
            default:
                throw AccessError.authenticationRefused("realm requires '\(required!.type)' authentication, which Faro does not support")
            }
        }
    }

    func halfTicket(_ user: UserID, _ challenge: TFAChallenge, _ state: State) throws -> LoginResult {
        let now = clock()
        let data = Self.halfTicketPrefix + JSONWriter.string(challenge.json)
        var result = LoginResult(
            username: user.description, ticket: try state.signer.ticket(data: data, additional: user.description, at: now),
            csrfToken: state.csrf.token(for: user.description, at: now), capabilities: [:])
        result.needTFA = true
        return result
    }

    /// The second step: `response` (`totp:<code>`, `recovery:<key>`, `webauthn:<json>`) to the
    /// challenge in `challengeTicket`. Every failure counts toward the locks.
    public func completeLogin(username: String, realm: String?, challengeTicket: String, response: String) async throws -> LoginResult {
        var name = username
        if let realm, !name.contains("@") { name += "@" + realm }
        let state = try await state()
        guard let user = UserID(name), user.token == nil,
            let data = state.signer.verify(challengeTicket, additional: user.description, now: clock()),
            data.hasPrefix(Self.halfTicketPrefix), let challenge = TFAChallenge(json: String(data.dropFirst(Self.halfTicketPrefix.count)))
        else { throw AccessError.authenticationFailure }
        guard let entry = state.config.users[user.description],
            state.evaluator.isActive(enable: entry.enable, expire: entry.expire, now: clock())
        else { throw AccessError.authenticationFailure }
        try await checkSecondFactor(user, TFAResponse(response), challenge: challenge)
        return try issue(user, state)
    }

    /// Runs one answer through `SecondFactorCheck` under the lock and keeps what it changed.
    func checkSecondFactor(_ user: UserID, _ response: TFAResponse, challenge: TFAChallenge) async throws {
        let check = SecondFactorCheck(now: clock(), webauthn: try await webauthnRelyingParty())
        let outcome = try await updateTFA { config, attempts in
            var data = config[user.description]
            var counters = attempts[user.description]
            let outcome = check.verify(response, challenge: challenge, user: &data, attempts: &counters)
            config[user.description] = data
            attempts[user.description] = counters
            return outcome
        }
        if case .refused(let reason) = outcome { throw AccessError.authenticationRefused(reason) }
    }
}
