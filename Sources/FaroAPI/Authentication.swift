import FaroModel
import HTTPTypes
import Hummingbird
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns a request's credentials into an identity. The network listener and the local socket
/// each have one; the access-control layer provides tickets and tokens.
public protocol Authenticator: Sendable {
    func authenticate(_ request: Request, channel: (any Channel)?) async -> AuthOutcome
}

/// The local socket: only a peer running as uid 0 is accepted, and it acts as `root@pam`.
/// The socket file is also mode 0600, so the kernel already keeps others out.
public struct LocalSocketAuthenticator: Authenticator {
    public init() {}

    /// `struct ucred` from <sys/socket.h>, which Swift's Glibc module does not export.
    struct PeerCredentials: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// `SO_PEERCRED` on Linux.
    static let peerCredentialsOption = SocketOptionName(17)

    public func authenticate(_ request: Request, channel: (any Channel)?) async -> AuthOutcome {
        guard let provider = channel as? any SocketOptionProvider else { return .rejected("no peer credentials") }
        do {
            let credentials: PeerCredentials = try await provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: Self.peerCredentialsOption
            ).get()
            return credentials.uid == 0 ? .authenticated(.localRoot) : .rejected("permission denied - peer is not root")
        } catch {
            return .rejected("no peer credentials")
        }
    }
}

/// Accepts every request as the given identity; for tests that stand in for the local socket.
public struct FixedAuthenticator: Authenticator {
    let identity: Identity
    public init(_ identity: Identity) { self.identity = identity }
    public func authenticate(_ request: Request, channel: (any Channel)?) async -> AuthOutcome {
        .authenticated(identity)
    }
}
