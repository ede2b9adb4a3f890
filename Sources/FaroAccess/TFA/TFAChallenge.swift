import FaroModel

/// What the second login step may answer with, as the half ticket carries it (Proxmox's JSON:
/// `totp` and `yubico` flags, the indices of unused `recovery` keys, and the WebAuthn request
/// options under `webauthn`). The GUI reads it from the ticket to offer the right fields.
public struct TFAChallenge: Sendable, Equatable {
    public var totp = false
    public var recovery: [Int] = []
    public var webauthn: JSONValue?
    public var yubico = false

    public init() {}

    public var isEmpty: Bool { !totp && recovery.isEmpty && webauthn == nil && !yubico }

    public var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if totp { members["totp"] = .bool(true) }
        if !recovery.isEmpty { members["recovery"] = .array(recovery.map(JSONValue.int)) }
        if let webauthn { members["webauthn"] = webauthn }
        if yubico { members["yubico"] = .bool(true) }
        return .object(members)
    }

    public init?(json text: String) {
        guard case .object(let members)? = try? JSONParser.parse(text) else { return nil }
        totp = members["totp"]?.boolValue ?? false
        recovery = members["recovery"]?.arrayValue?.compactMap(\.intValue) ?? []
        webauthn = members["webauthn"]
        yubico = members["yubico"]?.boolValue ?? false
    }
}

/// The answer to a challenge: `password` of the second step, `<kind>:<value>`. A bare code
/// (the legacy `otp` parameter) counts as TOTP.
public enum TFAResponse: Sendable, Equatable {
    case totp(String), recovery(String), webauthn(String), other(kind: String)

    public init(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else {
            self = .totp(text)
            return
        }
        let value = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "totp": self = .totp(value)
        case "recovery": self = .recovery(value)
        case "webauthn": self = .webauthn(value)
        default: self = .other(kind: String(text[..<colon]))
        }
    }
}

/// A realm's `tfa` option (`type=oath,digits=6,step=30` or `type=yubico,...`).
public struct RealmTFA: Sendable, Equatable {
    public var type: String
    public var digits = 6
    public var step = 30

    public init?(_ text: String?) {
        guard let text, !text.isEmpty else { return nil }
        var values: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        guard let type = values["type"] else { return nil }
        self.type = type
        digits = values["digits"].flatMap { Int($0) } ?? 6
        step = values["step"].flatMap { Int($0) } ?? 30
    }
}
