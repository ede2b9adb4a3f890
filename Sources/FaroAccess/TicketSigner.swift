import Crypto
import Foundation
import _CryptoExtras

/// Login tickets in Proxmox's format `PVE:<userid>:<HEXTIME>::<signature>`: the plain part
/// `PVE:<userid>:<HEXTIME>` signed with the cluster's RSA key (PKCS#1 v1.5, SHA-256), the
/// signature in padded base64. A ticket is valid from 5 minutes before to 2 hours after its time.
public struct TicketSigner: Sendable {
    public static let lifetime = 7200
    public static let clockSkew = 300

    let privateKey: _RSA.Signing.PrivateKey?
    let publicKeys: [_RSA.Signing.PublicKey]

    /// Signs with `privateKeyPEM` and also accepts tickets of `olderPublicKeysPEM` (rotation).
    public init(privateKeyPEM: String, olderPublicKeysPEM: [String] = []) throws {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        privateKey = key
        publicKeys = [key.publicKey] + (try olderPublicKeysPEM.map { try _RSA.Signing.PublicKey(pemRepresentation: $0) })
    }

    /// A verifier only (another node's public key).
    public init(publicKeysPEM: [String]) throws {
        privateKey = nil
        publicKeys = try publicKeysPEM.map { try _RSA.Signing.PublicKey(pemRepresentation: $0) }
    }

    /// A new RSA 2048 key as PEM (`priv/authkey.key`).
    public static func generatePrivateKeyPEM() throws -> String {
        try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
    }

    public static func publicKeyPEM(ofPrivateKey pem: String) throws -> String {
        try _RSA.Signing.PrivateKey(pemRepresentation: pem).publicKey.pemRepresentation
    }

    public func ticket(for userid: String, at time: Int) throws -> String {
        guard let privateKey else { throw TicketError.cannotSign }
        let plain = "PVE:\(userid.replacingOccurrences(of: ":", with: "%3A")):\(Self.hexTime(time))"
        let signature = try privateKey.signature(for: SHA256.hash(data: Data(plain.utf8)), padding: .insecurePKCS1v1_5)
        return plain + "::" + signature.rawRepresentation.base64EncodedString()
    }

    /// A ticket whose signature also covers `additional` (`<plain>:<additional>`), which the
    /// ticket does not carry: Proxmox's half ticket `PVE:!tfa!<challenge>:...` is bound so to
    /// the user who passed the first factor.
    public func ticket(data: String, additional: String, at time: Int) throws -> String {
        guard let privateKey else { throw TicketError.cannotSign }
        let plain = "PVE:\(data.replacingOccurrences(of: ":", with: "%3A")):\(Self.hexTime(time))"
        let signed = plain + ":" + additional
        let signature = try privateKey.signature(for: SHA256.hash(data: Data(signed.utf8)), padding: .insecurePKCS1v1_5)
        return plain + "::" + signature.rawRepresentation.base64EncodedString()
    }

    /// The user id of a valid ticket at time `now`, else nil. With `additional`, the data of a
    /// ticket made by `ticket(data:additional:at:)` with the same value.
    public func verify(_ ticket: String, additional: String? = nil, now: Int) -> String? {
        guard let range = ticket.range(of: "::") else { return nil }
        let plain = String(ticket[..<range.lowerBound])
        guard let signatureData = Data(base64Encoded: String(ticket[range.upperBound...])) else { return nil }
        let fields = plain.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "PVE", fields[2].count == 8, let time = Int(fields[2], radix: 16) else {
            return nil
        }
        let age = now - time
        guard age > -Self.clockSkew, age < Self.lifetime else { return nil }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureData)
        let digest = SHA256.hash(data: Data((additional.map { plain + ":" + $0 } ?? plain).utf8))
        guard publicKeys.contains(where: { $0.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5) }) else {
            return nil
        }
        return String(fields[1]).replacingOccurrences(of: "%3A", with: ":")
    }

    /// Console tickets (`PVEVNC:<HEXTIME>::<signature>`) are short-lived and bound to what
    /// they open: the signature covers the plain part and `secret` (`user:path:port`), which
    /// the ticket itself does not carry. Valid from 20 s before to 40 s after their time.
    public static let consoleLifetime = 40
    public static let consoleClockSkew = 20

    public func consoleTicket(secret: String, at time: Int) throws -> String {
        guard let privateKey else { throw TicketError.cannotSign }
        let plain = "PVEVNC:\(Self.hexTime(time))"
        let signature = try privateKey.signature(for: SHA256.hash(data: Data((plain + "::" + secret).utf8)), padding: .insecurePKCS1v1_5)
        return plain + "::" + signature.rawRepresentation.base64EncodedString()
    }

    public func verifyConsoleTicket(_ ticket: String, secret: String, now: Int) -> Bool {
        guard let range = ticket.range(of: "::"), let signatureData = Data(base64Encoded: String(ticket[range.upperBound...])) else {
            return false
        }
        let plain = String(ticket[..<range.lowerBound])
        let fields = plain.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0] == "PVEVNC", fields[1].count == 8, let time = Int(fields[1], radix: 16) else { return false }
        let age = now - time
        guard age > -Self.consoleClockSkew, age < Self.consoleLifetime else { return false }
        let digest = SHA256.hash(data: Data((plain + "::" + secret).utf8))
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureData)
        return publicKeys.contains { $0.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5) }
    }

    static func hexTime(_ time: Int) -> String {
        let digits = String(time, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

public enum TicketError: Error, CustomStringConvertible {
    case cannotSign
    public var description: String { "this node has no key to sign tickets" }
}

/// CSRF prevention tokens: `<HEXTIME>:<unpadded base64 HMAC-SHA256 of "<HEXTIME>:<userid>">`,
/// keyed with the unpadded base64 of HMAC-SHA256(key: "", data: pve-www.key).
public struct CSRFTokens: Sendable {
    let key: SymmetricKey

    public init(secret: String) {
        let derived = HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: SymmetricKey(data: Data()))
        key = SymmetricKey(data: Data(Self.unpadded(Data(derived)).utf8))
    }

    /// A fresh random secret for `pve-www.key`.
    public static func generateSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
    }

    public func token(for userid: String, at time: Int) -> String {
        let stamp = TicketSigner.hexTime(time)
        return stamp + ":" + signature(stamp, userid)
    }

    public func verify(_ token: String, for userid: String, now: Int) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 8, let time = Int(parts[0], radix: 16) else { return false }
        let age = now - time
        guard age > -TicketSigner.clockSkew, age < TicketSigner.lifetime else { return false }
        let expected = Array(signature(String(parts[0]), userid).utf8)
        let given = Array(parts[1].utf8)
        return expected.count == given.count && zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func signature(_ stamp: String, _ userid: String) -> String {
        Self.unpadded(Data(HMAC<SHA256>.authenticationCode(for: Data("\(stamp):\(userid)".utf8), using: key)))
    }

    static func unpadded(_ data: Data) -> String {
        var text = data.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
