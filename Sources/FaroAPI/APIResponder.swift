import FaroAPISpec
import FaroCluster
import FaroModel
import FaroSchema
import FaroSupport
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves `/api2/json/...` and `/api2/extjs/...` from the method table: routing, parameter
/// decoding and validation, authentication, the declared permission check, the node check,
/// then the handler. One responder per listener; they differ only in the authenticator.
public struct APIResponder: HTTPResponder {
    public typealias Context = FaroRequestContext

    public struct Settings: Sendable {
        public var localNode: String
        /// Proxmox delays every authentication failure by 3 s to slow down guessing.
        public var authFailureDelay: Duration = .seconds(3)
        /// Limit for urlencoded and JSON bodies.
        public var maxBodySize = 1 << 20
        /// Where a method's multipart upload is spooled, from its path parameters (a directory
        /// on the target storage, so the finished file is renamed, not copied). nil: no uploads.
        public var uploadDirectory: (@Sendable ([String: String]) async throws -> String)?
        /// The other nodes, for methods whose `proxyTo` names one of them; nil: this node only.
        public var cluster: ClusterForwarding?
        /// The body of `GET /metrics` (Prometheus' text format); nil: no such endpoint.
        public var prometheusText: (@Sendable () async -> String)?

        public init(localNode: String) { self.localNode = localNode }
    }

    let spec: APISpec
    let handlers: HandlerTable
    let authenticator: any Authenticator
    let authorizer: any Authorizer
    let settings: Settings
    let openAPI: OpenAPIDocumentCache
    let fallback: (any HTTPResponder<FaroRequestContext>)?
    let implementedMethods: ByteBuffer

    public init(
        spec: APISpec, handlers: HandlerTable, authenticator: any Authenticator, authorizer: any Authorizer,
        settings: Settings, fallback: (any HTTPResponder<FaroRequestContext>)? = nil,
        openAPI: OpenAPIDocumentCache? = nil
    ) {
        self.spec = spec
        self.handlers = handlers
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.settings = settings
        self.openAPI = openAPI ?? OpenAPIDocumentCache(spec: spec)
        self.fallback = fallback
        self.implementedMethods = Self.methodList(spec: spec, handlers: handlers)
    }

    /// `{"data": ["GET /nodes/{node}/qemu", ...]}`: the methods this daemon answers, for
    /// clients (the GUI) that offer only what exists without reading the 6 MB OpenAPI document.
    static func methodList(spec: APISpec, handlers: HandlerTable) -> ByteBuffer {
        let ids = spec.methods.filter { handlers.handler(for: $0) != nil }.map(\.id).sorted()
        return ByteBuffer(bytes: JSONWriter.bytes(.object(["data": .array(ids.map(JSONValue.string))])))
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let rawPath = request.uri.path
        if rawPath == "/api2/openapi.json" {
            if Gzip.isAccepted(by: request.headers[.acceptEncoding]), let packed = openAPI.gzippedDocument {
                let headers: HTTPFields = [
                    .contentType: ResponseWriter.jsonType, .contentEncoding: "gzip", .vary: "Accept-Encoding",
                ]
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: packed))
            }
            return Response(
                status: .ok, headers: [.contentType: ResponseWriter.jsonType, .vary: "Accept-Encoding"],
                body: .init(byteBuffer: openAPI.document))
        }
        if rawPath == "/api2/methods.json" {
            return Response(
                status: .ok, headers: [.contentType: ResponseWriter.jsonType],
                body: .init(byteBuffer: implementedMethods))
        }
        if rawPath == "/metrics", let prometheusText = settings.prometheusText {
            return try await metrics(request, context: context, text: prometheusText)
        }
        let format: String
        if rawPath.hasPrefix("/api2/json/") || rawPath == "/api2/json" {
            format = "json"
        } else if rawPath.hasPrefix("/api2/extjs/") || rawPath == "/api2/extjs" {
            format = "extjs"
        } else if let fallback {
            return try await fallback.respond(to: request, context: context)
        } else {
            return ResponseWriter.failure(.notImplemented(request.method.rawValue, rawPath), extjs: false)
        }
        let extjs = format == "extjs"
        var response: Response
        do {
            response = ResponseWriter.success(try await handle(request, context: context, format: format), extjs: extjs)
        } catch let failure as AuthFailure {
            try await Task.sleep(for: settings.authFailureDelay)
            response = ResponseWriter.unauthorized(failure.reason)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status >= 500, apiError.status != 501 {
                context.logger.debug("request failed", metadata: ["path": "\(rawPath)", "error": "\(apiError.message)"])
            }
            response = ResponseWriter.failure(apiError, extjs: extjs)
        }
        // The node that forwarded this request reads the reason phrase from a header: NIO's HTTP
        // client keeps only the status code of the status line.
        if request.headers[Self.disableProxyField] != nil, let reason = response.headers[ResponseWriter.reasonField] {
            response.headers[ResponseWriter.forwardedReasonField] = reason
        }
        return response
    }

    struct AuthFailure: Error { let reason: String }

    /// `GET /metrics` for Prometheus: an API token (`Authorization: Bearer user@realm!id=secret`
    /// or Proxmox's `PVEAPIToken=`) or a ticket with `Sys.Audit` on `/`.
    private func metrics(_ request: Request, context: Context, text: @Sendable () async -> String) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return ResponseWriter.failure(.notImplemented(request.method.rawValue, "/metrics"), extjs: false)
        }
        switch await authenticator.authenticate(request, channel: context.channel) {
        case .rejected(let reason):
            try await Task.sleep(for: settings.authFailureDelay)
            return ResponseWriter.unauthorized(reason)
        case .authenticated(let identity):
            guard await authorizer.has(identity, "Sys.Audit", on: "/") else {
                return ResponseWriter.failure(APIError(status: 403, "Permission check failed (/, Sys.Audit)"), extjs: false)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await text())))
        }
    }

    private func handle(_ request: Request, context: Context, format: String) async throws -> APIResult {
        let prefixLength = "/api2/\(format)".utf8.count
        guard let apiPath = RequestParameters.percentDecode(request.uri.path.utf8.dropFirst(prefixLength), plusIsSpace: false)
        else {
            throw APIError(status: 400, "malformed URI")
        }
        let displayPath = "/" + apiPath.split(separator: "/").joined(separator: "/")
        guard let verb = HTTPVerb(rawValue: request.method.rawValue),
            let match = spec.tree.match(apiPath), let method = match.node.methods[verb]
        else {
            throw APIError.notImplemented(request.method.rawValue, displayPath)
        }
        guard let handler = handlers.handler(for: method) else {
            throw APIError.notImplemented(verb.rawValue, displayPath)
        }
        let identity = try await authenticate(request, context: context, method: method, path: displayPath)
        var request = request
        var spooledFile: String?
        let parameters: [String: JSONValue]
        if let field = method.uploadField, let boundary = MultipartSpooler.boundary(contentType: request.headers[.contentType] ?? "") {
            // Nobody may fill a disk without the right to upload: check before reading the body.
            try await checkPermissions(method, identity: identity, parameters: match.pathParameters.mapValues(JSONValue.string))
            if let proxyTo = method.proxyTo, let name = match.pathParameters[proxyTo],
                let node = try await forwardingTarget(name, request: request)
            {
                return .response(try await forward(request, to: node, context: context))
            }
            (parameters, spooledFile) = try await spoolUpload(request, field: field, boundary: boundary, match.pathParameters)
        } else {
            parameters = try await collectParameters(&request, verb: verb, pathParameters: match.pathParameters)
            if method.uploadField != nil, parameters["tmpfilename"] != nil {
                throw APIError.parameter("tmpfilename", "only the server sets this parameter")
            }
        }
        do {
            // As Proxmox: the permission check comes first, on the parameters as sent, so that
            // nobody without the right makes the daemon do any work for a body; it is repeated
            // on the validated values, which are the ones the handler acts on.
            try await checkPermissions(method, identity: identity, parameters: parameters)
            let validated: [String: JSONValue]
            do {
                validated = try SchemaValidator.validateParameters(parameters, schema: method.parameters)
            } catch {
                throw APIError.parameters(error.errors)
            }
            try await checkPermissions(method, identity: identity, parameters: validated)
            for name in method.unsupported.sorted() where validated[name] != nil && validated[name]?.boolValue != false {
                throw APIError.parameter(name, "not supported by Faro yet")
            }
            if let proxyTo = method.proxyTo, let name = validated[proxyTo]?.stringValue,
                let node = try await forwardingTarget(name, request: request)
            {
                return .response(try await forward(request, to: node, context: context))
            }
            return try await handler(APIRequest(method: method, parameters: validated, identity: identity))
        } catch {
            // A spooled upload belongs to the handler's task once it started; before that it goes.
            if let spooledFile { FileIO.remove(spooledFile) }
            throw error
        }
    }

    private func authenticate(_ request: Request, context: Context, method: APIMethod, path: String) async throws -> Identity {
        switch await authenticator.authenticate(request, channel: context.channel) {
        case .authenticated(let identity):
            if identity.method == .token, !method.allowToken {
                throw APIError(status: 403, "URI '\(path)' not available with API token, need proper ticket.")
            }
            return identity
        case .rejected(let reason):
            if case .world = method.permissions { return Identity(user: UserID(name: "anonymous", realm: "none"), method: .ticket) }
            throw AuthFailure(reason: reason)
        }
    }

    private func checkPermissions(_ method: APIMethod, identity: Identity, parameters: [String: JSONValue]) async throws {
        switch method.permissions {
        case .world, .anyUser: return
        case .rootOnly:
            if !identity.isSuperuser { throw APIError(status: 403, "Permission check failed (user != root@pam)") }
        case .check(let check, _):
            if let failure = await authorizer.verify(check, identity: identity, parameters: parameters) { throw failure }
        }
    }

    /// Spools a multipart upload into the directory the settings name for it; the file part's
    /// client name becomes the `field` parameter and its spool path `tmpfilename`.
    private func spoolUpload(
        _ request: Request, field: String, boundary: String, _ pathParameters: [String: String]
    ) async throws -> ([String: JSONValue], String) {
        guard let uploadDirectory = settings.uploadDirectory else { throw APIError.failed("uploads are not available") }
        let directory = try await uploadDirectory(pathParameters)
        let upload: SpooledUpload
        do {
            upload = try await MultipartSpooler(boundary: boundary, fileField: field, directory: directory).spool(request.body)
        } catch let error as MultipartError {
            throw APIError(status: 400, error.description)
        }
        guard let path = upload.path else { throw APIError.parameter(field, "no file was uploaded") }
        var parameters = try RequestParameters.parseForm(Substring(request.uri.query ?? ""))
        for (key, value) in upload.fields where parameters[key] == nil { parameters[key] = .string(value) }
        if parameters[field] == nil { parameters[field] = .string(upload.fileName ?? "") }
        parameters["tmpfilename"] = .string(path)
        for (name, value) in pathParameters {
            if let given = parameters[name], given.displayText != value {
                FileIO.remove(path)
                throw APIError(status: 400, "duplicate parameter (already defined in URI) with conflicting values!")
            }
            parameters[name] = .string(value)
        }
        return (parameters, path)
    }

    /// Query parameters, merged for POST/PUT with the body (the query wins), plus the path
    /// variables, which must agree with any repeated body value.
    private func collectParameters(
        _ request: inout Request, verb: HTTPVerb, pathParameters: [String: String]
    ) async throws -> [String: JSONValue] {
        var parameters = try RequestParameters.parseForm(Substring(request.uri.query ?? ""))
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: settings.maxBodySize)
        } catch {
            throw APIError(status: 413, "request too large")
        }
        if body.readableBytes > 0 {
            guard verb == .post || verb == .put else { throw APIError(status: 501, "Unexpected content for method '\(verb.rawValue)'") }
            let bytes = Array(body.readableBytesView)
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let bodyParameters: [String: JSONValue]
            if contentType.hasPrefix("application/json") {
                bodyParameters = try RequestParameters.parseJSONBody(bytes)
            } else if contentType.isEmpty || contentType.hasPrefix("application/x-www-form-urlencoded") {
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw APIError(status: 400, "request body is not valid UTF-8")
                }
                bodyParameters = try RequestParameters.parseForm(Substring(text))
            } else {
                throw APIError(status: 415, "unsupported content type '\(contentType)'")
            }
            parameters = bodyParameters.merging(parameters) { _, query in query }
        }
        parameters.removeValue(forKey: "_dc")
        for (name, value) in pathParameters {
            if let given = parameters[name], given.displayText != value {
                throw APIError(status: 400, "duplicate parameter (already defined in URI) with conflicting values!")
            }
            parameters[name] = .string(value)
        }
        return parameters
    }
}
