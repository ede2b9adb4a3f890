import FaroModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Checks the credentials a request carries; implemented by the access-control service.
public protocol CredentialVerifier: Sendable {
    /// The user a ticket belongs to, if it verifies, is fresh and the user may log in.
    func verifyTicket(_ ticket: String) async -> UserID?
    /// Whether a CSRF prevention token is valid for the user.
    func verifyCSRFToken(_ token: String, for user: UserID) async -> Bool
    /// Whether the secret matches the API token and token and user are enabled and unexpired.
    func verifyToken(_ token: UserID, secret: String) async -> Bool
}

/// Authentication on the network listener, as Proxmox's proxy does it: the `PVEAuthCookie`
/// cookie, else an `Authorization: PVEAuthCookie=` header, else an `Authorization:
/// PVEAPIToken=user@realm!name=secret` header. Ticket requests other than GET also need a
/// valid `CSRFPreventionToken` header (uploads excepted); tokens need none.
public struct NetworkAuthenticator: Authenticator {
    let verifier: any CredentialVerifier
    static let csrfHeader = HTTPField.Name("CSRFPreventionToken")!

    public init(verifier: any CredentialVerifier) { self.verifier = verifier }

    public func authenticate(_ request: Request, channel: (any Channel)?) async -> AuthOutcome {
        let authorization = request.headers[.authorization]
        if let ticket = Self.value(of: "PVEAuthCookie", in: request.headers[values: .cookie].joined(separator: "; "))
            ?? authorization.flatMap({ Self.value(of: "PVEAuthCookie", in: $0) })
        {
            return await authenticateTicket(ticket, request: request)
        }
        if let authorization, let token = Self.value(of: "PVEAPIToken", in: authorization) {
            return await authenticateToken(token)
        }
        // Prometheus sends a token as `Bearer`; only its endpoint takes that form.
        if let authorization, request.uri.path == "/metrics", authorization.hasPrefix("Bearer ") {
            return await authenticateToken(String(authorization.dropFirst(7)))
        }
        return .rejected("No ticket")
    }

    private func authenticateTicket(_ raw: String, request: Request) async -> AuthOutcome {
        let ticket = RequestParameters.percentDecode(raw.utf8, plusIsSpace: false) ?? raw
        guard let user = await verifier.verifyTicket(ticket) else { return .rejected("invalid PVE ticket") }
        if request.method != .get, !Self.isUpload(request) {
            guard let csrf = request.headers[Self.csrfHeader], await verifier.verifyCSRFToken(csrf, for: user) else {
                return .rejected("Permission denied - invalid csrf token")
            }
        }
        return .authenticated(Identity(user: user, method: .ticket))
    }

    private func authenticateToken(_ value: String) async -> AuthOutcome {
        // `user@realm!name=secret`; the secret is a UUID, so the last `=` separates it.
        guard let separator = value.lastIndex(of: "="), let token = UserID(String(value[..<separator])),
            token.token != nil
        else { return .rejected("invalid API token") }
        let secret = String(value[value.index(after: separator)...])
        guard await verifier.verifyToken(token, secret: secret) else { return .rejected("invalid token value!") }
        return .authenticated(Identity(user: token, method: .token))
    }

    /// Proxmox's extraction rule: `(?:^|\s)KEY(?:=| )([^;]*)`.
    static func value(of key: String, in header: String) -> String? {
        var rest = Substring(header)
        while let range = rest.firstRange(of: key) {
            let before = range.lowerBound == header.startIndex ? nil : header[header.index(before: range.lowerBound)]
            let after = rest[range.upperBound...]
            if before == nil || before!.isWhitespace || before == ";", let separator = after.first, separator == "=" || separator == " " {
                let value = after.dropFirst().prefix { $0 != ";" }
                return value.isEmpty ? nil : String(value)
            }
            rest = after
        }
        return nil
    }

    static func isUpload(_ request: Request) -> Bool {
        request.method == .post && request.uri.path.hasSuffix("/upload") && request.uri.path.contains("/storage/")
    }
}
