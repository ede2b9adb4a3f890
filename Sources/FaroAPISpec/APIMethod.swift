import FaroSchema

public enum HTTPVerb: String, Sendable, CaseIterable {
    case get = "GET", post = "POST", put = "PUT", delete = "DELETE"
}

/// One API method declared as data, the way Proxmox declares it: no handler here, so the
/// server, the CLI and the OpenAPI export all read the same declaration.
public struct APIMethod: Sendable {
    public var verb: HTTPVerb
    /// Path template relative to `/api2/json`, e.g. `/nodes/{node}/tasks/{upid}/log`.
    public var path: String
    /// Unique per path level; the CLI and Proxmox's docs use it.
    public var name: String
    public var description: String
    /// An object schema; path variables are declared here too.
    public var parameters: Schema
    public var returns: Schema
    public var permissions: Permissions
    /// Runs with root privileges in Proxmox (pvedaemon); recorded for the docs.
    public var isProtected: Bool
    /// The parameter naming the node that must run this method (`node`).
    public var proxyTo: String?
    public var allowToken: Bool
    /// The method answers with a `text/event-stream` of server-sent events instead of one
    /// `{"data": ...}` document; `returns` describes the data of each event.
    public var streamsEvents: Bool
    /// For uploads: the `multipart/form-data` part holding the file, which the server spools to
    /// disk (never into memory) before the handler runs.
    public var uploadField: String?
    /// Parameters declared for Proxmox's clients that Faro cannot honour yet: a request that
    /// sets one to anything but `false` is refused before the handler runs.
    public var unsupported: Set<String> = []
    /// For methods that create or change a guest config: the parameters that are config
    /// options. The others steer the call (`digest`, `delete`, `start`, ...).
    public var configOptions: Set<String> = []

    public init(
        _ verb: HTTPVerb, _ path: String, name: String, description: String,
        parameters: Schema = .noParameters, returns: Schema = .null, permissions: Permissions,
        protected: Bool = false, proxyTo: String? = nil, allowToken: Bool = true,
        streamsEvents: Bool = false, uploadField: String? = nil
    ) {
        self.verb = verb
        self.path = path
        self.name = name
        self.description = description
        self.parameters = parameters
        self.returns = returns
        self.permissions = permissions
        self.isProtected = protected
        self.proxyTo = proxyTo
        self.allowToken = allowToken
        self.streamsEvents = streamsEvents
        self.uploadField = uploadField
    }

    public var id: String { "\(verb.rawValue) \(path)" }

    /// The method with `names` refused as not supported yet.
    public func refusing(_ names: Set<String>) -> APIMethod {
        var method = self
        method.unsupported = names
        return method
    }

    /// The method with `names` as the parameters that are config options.
    public func takingOptions(_ names: some Sequence<String>) -> APIMethod {
        var method = self
        method.configOptions = Set(names)
        return method
    }

    /// The `{name}` variables of the path template, in order.
    public var pathVariables: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}
