import FaroAPISpec
import FaroAccess
import FaroModel
import Foundation

extension Handlers {
    /// `POST /access/tfa/{userid}`: a TOTP entry (confirmed by a current code), a set of
    /// recovery keys (shown once), or a WebAuthn credential in two calls.
    static func addTFAEntry(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let user = try await tfaChangeTarget(request, services)
        let now = services.clock()
        let result: [String: JSONValue]
        switch request.required("type") {
        case "totp": result = try await addTOTP(user, request, services, now: now)
        case "recovery":
            let keys: [String] = try await services.access.updateTFA { config, _ in
                var data = config[user.description]
                guard data.recovery == nil else { throw APIError.failed("user already has recovery keys") }
                let (stored, plain) = RecoveryKeys.generate(created: now)
                data.recovery = stored
                config[user.description] = data
                return plain
            }
            result = ["id": "recovery", "recovery": .array(keys.map(JSONValue.string))]
        case "webauthn": result = try await addWebAuthn(user, request, services, now: now)
        case let other:
            throw APIError.parameter("type", "adding '\(other)' entries is not supported by Faro")
        }
        if result["id"] != nil {
            try await services.access.markSecondFactors(of: user, present: true)
            services.logger.info("TFA entry added", metadata: ["user": "\(user)", "by": "\(request.identity.user)"])
        }
        return .json(.object(result))
    }

    static func addTOTP(_ user: UserID, _ request: APIRequest, _ services: NodeServices, now: Int) async throws -> [String: JSONValue] {
        guard let uri = request.string("totp") else { throw APIError.parameter("totp", "missing 'totp' URI") }
        guard let code = request.string("value") else { throw APIError.parameter("value", "missing the current TOTP code") }
        let description = try tfaDescription(request)
        let totp: TOTP
        do { totp = try TOTP(uri: uri) } catch { throw APIError.parameter("totp", error.description) }
        guard let step = totp.matchingStep(code, at: now) else { throw APIError.parameter("value", "failed to verify TOTP challenge") }
        let entry = TFAEntry(id: "totp-" + UUID().uuidString.lowercased(), description: description, created: now, entry: .string(uri))
        try await services.access.updateTFA { config, attempts in
            var data = config[user.description]
            data.setEntries(.totp, data.entries(.totp) + [entry])
            config[user.description] = data
            // The code that confirmed the key cannot log in a second time.
            var counters = attempts[user.description]
            counters.setLastStep(step, of: entry.id)
            attempts[user.description] = counters
        }
        return ["id": .string(entry.id)]
    }

    static func addWebAuthn(_ user: UserID, _ request: APIRequest, _ services: NodeServices, now: Int) async throws -> [String: JSONValue] {
        guard let party = try await services.access.webauthnRelyingParty() else {
            throw APIError.failed("no webauthn configuration available (datacenter.cfg 'webauthn')")
        }
        let description = try tfaDescription(request)
        guard let challengeText = request.string("challenge") else {
            let existing = try await services.access.tfaConfig()[user.description].entries(.webauthn)
            let (options, nonce) = party.registrationOptions(user: user.description, existing: existing)
            try await services.access.updateTFA { _, attempts in
                var counters = attempts[user.description]
                counters.webauthnChallenges = counters.webauthnChallenges.filter {
                    ($0["created"]?.intValue ?? 0) + WebAuthnRelyingParty.challengeLifetime > now
                } + [["challenge": .string(nonce), "created": .int(now), "purpose": "register"]]
                attempts[user.description] = counters
            }
            return ["challenge": .string(JSONWriter.string(options))]
        }
        guard let value = request.string("value") else { throw APIError.parameter("value", "missing the WebAuthn registration response") }
        guard let nonce = (try? JSONParser.parse(challengeText))?["publicKey"]?["challenge"]?.stringValue else {
            throw APIError.parameter("challenge", "not a WebAuthn registration challenge")
        }
        let id = "webauthn-" + UUID().uuidString.lowercased()
        try await services.access.updateTFA { config, attempts in
            var counters = attempts[user.description]
            guard counters.webauthnChallenges.contains(where: {
                $0["challenge"]?.stringValue == nonce && $0["purpose"]?.stringValue == "register"
                    && ($0["created"]?.intValue ?? 0) + WebAuthnRelyingParty.challengeLifetime > now
            }) else { throw APIError.parameter("challenge", "unknown or expired challenge") }
            counters.webauthnChallenges.removeAll { $0["challenge"]?.stringValue == nonce }
            attempts[user.description] = counters
            let credential: JSONValue
            do throws(WebAuthnRelyingParty.Failure) { credential = try party.finishRegistration(value, challenge: nonce) } catch {
                throw APIError.parameter("value", error.description)
            }
            var data = config[user.description]
            data.setEntries(.webauthn, data.entries(.webauthn) + [TFAEntry(id: id, description: description, created: now, entry: credential)])
            config[user.description] = data
        }
        return ["id": .string(id)]
    }

    static func tfaDescription(_ request: APIRequest) throws -> String {
        guard let description = request.string("description"), !description.isEmpty else {
            throw APIError.parameter("description", "a description is required for new entries")
        }
        return description
    }
}
