import CFaroPAM

/// Password checks against the host's accounts through PAM. The daemon runs as root, so
/// `pam_unix` can read the shadow file. A missing `/etc/pam.d/<service>` falls back to
/// `/etc/pam.d/other`.
public struct PAMRealm: Sendable {
    public let service: String

    public init(service: String = "faro") { self.service = service }

    /// True when PAM accepts the password and the account is usable. Blocks while PAM works
    /// (pam_unix may delay failures), so callers run it off the cooperative pool.
    public func authenticate(user: String, password: String) -> Bool {
        guard !user.isEmpty, !user.contains("\0"), !password.contains("\0") else { return false }
        return faro_pam_authenticate(service, user, password) == 0
    }
}
