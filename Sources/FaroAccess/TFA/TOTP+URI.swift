import Foundation

/// `otpauth://totp/<label>?secret=<base32>&algorithm=SHA1&digits=6&period=30&issuer=<name>`,
/// the key format authenticator apps scan from a QR code and Proxmox stores in `tfa.cfg`.
extension TOTP {
    public enum URIError: Error, Sendable, Equatable, CustomStringConvertible {
        case notTOTP, missingSecret, badSecret, badParameter(String)

        public var description: String {
            switch self {
            case .notTOTP: return "not an otpauth://totp/ URI"
            case .missingSecret: return "the totp URI has no 'secret'"
            case .badSecret: return "the totp secret is not base32 or too short"
            case .badParameter(let name): return "invalid '\(name)' in the totp URI"
            }
        }
    }

    public init(uri: String) throws(URIError) {
        guard let components = URLComponents(string: uri), components.scheme?.lowercased() == "otpauth",
            components.host?.lowercased() == "totp"
        else { throw .notTOTP }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name.lowercased()] = item.value ?? "" }
        guard let secretText = query["secret"] else { throw .missingSecret }
        guard let secret = Base32.decode(secretText), secret.count >= 10 else { throw .badSecret }
        let algorithm = try Self.value(query, "algorithm", default: .sha1) { Algorithm(rawValue: $0.uppercased()) }
        let digits = try Self.value(query, "digits", default: 6) { Int($0).flatMap { (6...8).contains($0) ? $0 : nil } }
        let period = try Self.value(query, "period", default: 30) { Int($0).flatMap { (1...3600).contains($0) ? $0 : nil } }
        var label = components.path
        if label.hasPrefix("/") { label.removeFirst() }
        self.init(secret: secret, algorithm: algorithm, digits: digits, period: period, label: label, issuer: query["issuer"])
    }

    private static func value<T>(
        _ query: [String: String], _ name: String, default fallback: T, _ parse: (String) -> T?
    ) throws(URIError) -> T {
        guard let text = query[name] else { return fallback }
        guard let value = parse(text) else { throw .badParameter(name) }
        return value
    }

    /// The URI for this generator; `secret` in base32 without padding.
    public var uri: String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/" + label
        var items = [
            URLQueryItem(name: "secret", value: Base32.encode(secret)),
            URLQueryItem(name: "digits", value: String(digits)),
            URLQueryItem(name: "algorithm", value: algorithm.rawValue),
            URLQueryItem(name: "period", value: String(period)),
        ]
        if let issuer { items.append(URLQueryItem(name: "issuer", value: issuer)) }
        components.queryItems = items
        return components.string ?? ""
    }
}
