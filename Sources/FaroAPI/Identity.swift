import FaroModel

/// Who is calling, and how they proved it.
public struct Identity: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// The root-only Unix socket of the local CLI.
        case localSocket
        case ticket
        case token
    }

    public let user: UserID
    public let method: Method

    public init(user: UserID, method: Method) {
        self.user = user
        self.method = method
    }

    public static let localRoot = Identity(user: .root, method: .localSocket)

    /// root@pam itself (not one of its tokens) bypasses every permission check.
    public var isSuperuser: Bool { user.isRoot }
}

/// What authentication made of a request.
public enum AuthOutcome: Sendable, Equatable {
    case authenticated(Identity)
    /// No credentials, or credentials that do not verify; the reason becomes the 401 phrase.
    case rejected(String)
}
