import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection's channel, which
/// the local socket's authenticator asks for the peer's credentials.
public struct FaroRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
