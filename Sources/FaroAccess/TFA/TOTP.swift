import Crypto
import Foundation

/// A time-based one-time password generator (RFC 6238) as the `otpauth://totp/` URIs of
/// authenticator apps describe it: a secret, the HMAC algorithm, the number of digits and the
/// time step.
public struct TOTP: Sendable, Equatable {
    public enum Algorithm: String, Sendable {
        case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512"
    }

    public var secret: [UInt8]
    public var algorithm: Algorithm
    public var digits: Int
    public var period: Int
    /// Label and issuer, kept only to write the URI back as it was given.
    public var label: String
    public var issuer: String?

    public init(secret: [UInt8], algorithm: Algorithm = .sha1, digits: Int = 6, period: Int = 30, label: String = "", issuer: String? = nil) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
        self.label = label
        self.issuer = issuer
    }

    /// The time step `time` falls in.
    public func step(at time: Int) -> Int { time >= 0 ? time / period : (time - period + 1) / period }

    /// The code of time step `step`, zero-padded to `digits`.
    public func code(step: Int) -> String {
        var counter = UInt64(bitPattern: Int64(step)).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8]
        switch algorithm {
        case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let digitsText = String(value % modulus)
        return String(repeating: "0", count: digits - digitsText.count) + digitsText
    }

    public func code(at time: Int) -> String { code(step: step(at: time)) }

    /// The time step whose code is `code`, looking `window` steps either side of `time` (a
    /// phone's clock may be a little off), or nil.
    public func matchingStep(_ code: String, at time: Int, window: Int = 1) -> Int? {
        let given = Array(code.utf8)
        guard given.count == digits else { return nil }
        let now = step(at: time)
        return (now - window...now + window).first { candidate in
            SecretFiles.equal(self.code(step: candidate), code)
        }
    }
}
