import FaroModel

/// What the second login step remembers between attempts for one user, kept apart from
/// `tfa.cfg` (which is Proxmox's format) in `priv/tfa-attempts.json`: failure counters, the
/// last time step each TOTP entry was used in (a code counts once), and the WebAuthn challenges
/// handed out and not answered yet.
public struct TFAAttempts: Sendable, Equatable {
    var raw: [String: JSONValue]

    init(raw: [String: JSONValue]) { self.raw = raw }

    public var totpFailures: Int {
        get { raw["totp-failures"]?.intValue ?? 0 }
        set { raw["totp-failures"] = newValue == 0 ? nil : .int(newValue) }
    }

    public var failures: Int {
        get { raw["tfa-failures"]?.intValue ?? 0 }
        set { raw["tfa-failures"] = newValue == 0 ? nil : .int(newValue) }
    }

    public func lastStep(of entry: String) -> Int? { raw["totp-steps"]?[entry]?.intValue }

    public mutating func setLastStep(_ step: Int, of entry: String) {
        var steps = raw["totp-steps"]?.objectValue ?? [:]
        steps[entry] = .int(step)
        raw["totp-steps"] = .object(steps)
    }

    /// Open WebAuthn challenges: `challenge` (base64url), `created`, `purpose` (`login` or
    /// `register`) and, for a registration, the `description` asked for.
    public var webauthnChallenges: [[String: JSONValue]] {
        get { (raw["webauthn"]?.arrayValue ?? []).compactMap(\.objectValue) }
        set { raw["webauthn"] = newValue.isEmpty ? nil : .array(newValue.map(JSONValue.object)) }
    }
}

/// The attempts of every user: the file `priv/tfa-attempts.json`.
public struct TFAAttemptsFile: Sendable, Equatable {
    var users: [String: JSONValue] = [:]

    public init() {}

    public static func parse(_ text: String) -> TFAAttemptsFile {
        var file = TFAAttemptsFile()
        file.users = (try? JSONParser.parse(text))?["users"]?.objectValue ?? [:]
        return file
    }

    public func render() -> String { JSONWriter.string(["users": .object(users)]) + "\n" }

    public subscript(user: String) -> TFAAttempts {
        get { TFAAttempts(raw: users[user]?.objectValue ?? [:]) }
        set { users[user] = newValue.raw.isEmpty ? nil : .object(newValue.raw) }
    }
}
