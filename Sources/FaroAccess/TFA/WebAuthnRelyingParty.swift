import Crypto
import FaroModel
import Foundation

/// The server side of WebAuthn for `datacenter.cfg`'s `webauthn: rp=<name>,origin=<url>,id=<domain>`:
/// challenges for registration and login, registration of ES256 credentials with attestation
/// `none`, and assertion checks (origin, relying party id hash, user presence, P-256 signature,
/// signature counter). Credentials are kept in `tfa.cfg` in Proxmox's shape.
public struct WebAuthnRelyingParty: Sendable, Equatable {
    public let name: String
    public let origin: String
    public let id: String
    /// How long a challenge may be answered.
    public static let challengeLifetime = 300

    public init(name: String, origin: String, id: String) {
        self.name = name
        self.origin = origin
        self.id = id
    }

    /// From the option's property values; nil unless `rp`, `origin` and `id` are all set (or
    /// `id` can be taken from the origin's host).
    public init?(options: [String: String]?) {
        guard let options, let origin = options["origin"], let host = URLComponents(string: origin)?.host else {
            return nil
        }
        let id = options["id"] ?? host
        self.init(name: options["rp"] ?? id, origin: origin, id: id)
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let reason): return reason }
        }
    }

    /// A fresh random challenge (32 bytes, base64url).
    static func newChallenge() -> String { Base64URL.encode(RecoveryKeys.randomBytes(32)) }

    /// The `publicKey` options for `navigator.credentials.create`, for `user`, excluding the
    /// credentials the user has already.
    public func registrationOptions(user: String, existing: [TFAEntry]) -> (options: JSONValue, challenge: String) {
        let challenge = Self.newChallenge()
        let options: JSONValue = ["publicKey": [
            "rp": ["id": .string(id), "name": .string(name)],
            "user": [
                "id": .string(Base64URL.encode(Array(SHA256.hash(data: Data(user.utf8))))),
                "name": .string(user), "displayName": .string(user),
            ],
            "challenge": .string(challenge),
            "pubKeyCredParams": [["type": "public-key", "alg": -7]],
            "timeout": .int(Self.challengeLifetime * 1000),
            "attestation": "none",
            "excludeCredentials": .array(existing.compactMap(Self.credentialID).map {
                ["type": "public-key", "id": .string(Base64URL.encode($0))]
            }),
            "authenticatorSelection": ["userVerification": "preferred", "requireResidentKey": false],
        ]]
        return (options, challenge)
    }

    /// The `publicKey` options for `navigator.credentials.get` over the enabled `credentials`.
    public func loginOptions(credentials: [TFAEntry]) -> (options: JSONValue, challenge: String) {
        let challenge = Self.newChallenge()
        let allowed = credentials.filter(\.enable).compactMap(Self.credentialID)
        let options: JSONValue = ["publicKey": [
            "challenge": .string(challenge), "rpId": .string(id), "timeout": .int(Self.challengeLifetime * 1000),
            "userVerification": "preferred",
            "allowCredentials": .array(allowed.map { ["type": "public-key", "id": .string(Base64URL.encode($0))] }),
        ]]
        return (options, challenge)
    }

    /// The credential id of a stored entry: a byte array (webauthn-rs) or a base64url string.
    static func credentialID(_ entry: TFAEntry) -> [UInt8]? {
        switch entry.entry["cred_id"] {
        case .array(let items)?: return items.compactMap { $0.intValue.flatMap(UInt8.init(exactly:)) }
        case .string(let text)?: return Base64URL.decode(text)
        default: return nil
        }
    }

    /// Checks `clientDataJSON`: its type, challenge (one of `challenges`) and origin.
    func clientData(_ bytes: [UInt8], type: String, challenges: Set<String>) throws(Failure) -> String {
        guard case .object(let members)? = try? JSONParser.parse(bytes) else { throw .invalid("clientDataJSON is not JSON") }
        guard members["type"]?.stringValue == type else { throw .invalid("clientDataJSON type is not '\(type)'") }
        guard let challenge = members["challenge"]?.stringValue, challenges.contains(challenge) else {
            throw .invalid("unknown or expired challenge")
        }
        guard members["origin"]?.stringValue == origin else { throw .invalid("origin does not match '\(origin)'") }
        return challenge
    }

    /// Checks the authenticator data's relying party hash and user-presence flag; returns the
    /// flags and the signature counter.
    func authenticatorData(_ data: [UInt8]) throws(Failure) -> (flags: UInt8, counter: UInt32) {
        guard data.count >= 37 else { throw .invalid("authenticator data too short") }
        guard Array(data[0..<32]) == Array(SHA256.hash(data: Data(id.utf8))) else {
            throw .invalid("relying party id hash does not match '\(id)'")
        }
        guard data[32] & 0x01 != 0 else { throw .invalid("user not present") }
        let counter = data[33..<37].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (data[32], counter)
    }

    /// The members of a `PublicKeyCredential` as the browser's JSON gives it, decoded.
    static func credentialJSON(_ text: String) throws(Failure) -> (rawID: [UInt8], response: [String: JSONValue]) {
        guard case .object(let members)? = try? JSONParser.parse(text),
            let rawText = members["rawId"]?.stringValue ?? members["id"]?.stringValue, let rawID = Base64URL.decode(rawText),
            let response = members["response"]?.objectValue
        else { throw .invalid("not a WebAuthn credential response") }
        return (rawID, response)
    }

    static func field(_ response: [String: JSONValue], _ name: String) throws(Failure) -> [UInt8] {
        guard let text = response[name]?.stringValue, let bytes = Base64URL.decode(text) else {
            throw .invalid("missing '\(name)' in the WebAuthn response")
        }
        return bytes
    }
}
