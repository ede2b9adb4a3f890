import Hummingbird
import FaroAPISpec
import FaroModel

/// A validated call: the method's declaration, its parameters (already checked against the
/// schema and normalised), and the caller.
public struct APIRequest: Sendable {
    public let method: APIMethod
    public let parameters: [String: JSONValue]
    public let identity: Identity

    public init(method: APIMethod, parameters: [String: JSONValue], identity: Identity) {
        self.method = method
        self.parameters = parameters
        self.identity = identity
    }

    public func string(_ name: String) -> String? { parameters[name]?.stringValue }
    public func int(_ name: String) -> Int? { parameters[name]?.intValue }
    public func bool(_ name: String) -> Bool? { parameters[name]?.boolValue }

    /// A parameter the schema declares as required (validation guarantees it is present).
    public func required(_ name: String) -> String {
        parameters[name]?.displayText ?? ""
    }
}

/// What a handler answers: a JSON value (with the optional `total`), pre-encoded JSON for
/// hot paths, plain text (task log download), or a stream of server-sent events (methods
/// declared with `streamsEvents`).
public enum APIResult: Sendable {
    case json(JSONValue, total: Int? = nil)
    case encoded([UInt8])
    case text(String)
    case events(EventProducer)
    /// A complete response from elsewhere (another node's answer to a forwarded request).
    case response(Response)

    public static let null = APIResult.json(.null)
}

public typealias APIHandler = @Sendable (APIRequest) async throws -> APIResult

/// Binds handlers to declared methods by verb and path template.
public struct HandlerTable: Sendable {
    public private(set) var handlers: [String: APIHandler] = [:]

    public init() {}

    public mutating func on(_ verb: HTTPVerb, _ path: String, _ handler: @escaping APIHandler) {
        let id = "\(verb.rawValue) \(path)"
        precondition(handlers[id] == nil, "duplicate handler for \(id)")
        handlers[id] = handler
    }

    public func handler(for method: APIMethod) -> APIHandler? { handlers[method.id] }
}
