import AsyncHTTPClient
import FaroModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// An API answer: the HTTP status with its reason phrase, and the decoded envelope.
public struct APIReply: Sendable {
    public let status: Int
    public let reason: String
    public let body: [UInt8]

    /// The `{"data": ...}` envelope's members, or nil when the body is not JSON.
    public var envelope: [String: JSONValue]? { (try? JSONParser.parse(body))?.objectValue }
    public var data: JSONValue { envelope?["data"] ?? .null }
    public var message: String? { envelope?["message"]?.stringValue }
    public var errors: [String: String] {
        (envelope?["errors"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Failures talking to a daemon (not API errors, which come back as `APIReply`).
public enum ClientError: Error, CustomStringConvertible {
    case connection(String)
    case loginFailed(String)

    public var description: String {
        switch self {
        case .connection(let message): return message
        case .loginFailed(let message): return "login failed: \(message)"
        }
    }
}

/// A typed client for a Faro daemon, over the local root-only socket or over HTTPS.
public final class FaroClient: Sendable {
    public enum Endpoint: Sendable {
        case socket(path: String)
        /// `host` may carry a port (`host:8006`); the certificate is not verified (self-signed nodes).
        case https(host: String)
    }

    public enum Credentials: Sendable {
        case none
        case ticket(ticket: String, csrf: String)
        /// `user@realm!tokenid=secret`
        case token(String)
    }

    let endpoint: Endpoint
    let credentials: Credentials
    let http: HTTPClient
    let timeout: TimeAmount

    public init(endpoint: Endpoint, credentials: Credentials = .none, timeout: TimeAmount = .seconds(600)) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        configuration.tlsConfiguration = tls
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Logs in with a password (or a ticket as password) and returns a client that uses the ticket.
    public func login(username: String, password: String) async throws -> FaroClient {
        let reply = try await call(.POST, "/access/ticket", ["username": .string(username), "password": .string(password)])
        guard reply.isSuccess, let ticket = reply.data["ticket"]?.stringValue,
            let csrf = reply.data["CSRFPreventionToken"]?.stringValue
        else {
            let message = (reply.message ?? reply.reason).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ClientError.loginFailed(message)
        }
        return FaroClient(endpoint: endpoint, credentials: .ticket(ticket: ticket, csrf: csrf), timeout: timeout)
    }

    func baseURL() -> String {
        switch endpoint {
        case .socket(let path):
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
            return "http+unix://\(encoded)"
        case .https(let host):
            return host.contains(":") && !host.hasPrefix("[") && host.filter({ $0 == ":" }).count > 1
                ? "https://[\(host)]:8006" : (host.contains(":") ? "https://\(host)" : "https://\(host):8006")
        }
    }

    /// Calls `verb path` under `/api2/json` with parameters as query (GET/DELETE) or form body.
    public func call(_ verb: HTTPMethod, _ path: String, _ parameters: [String: JSONValue] = [:]) async throws -> APIReply {
        let encodedPath = path.split(separator: "/").map {
            $0.addingPercentEncoding(withAllowedCharacters: Self.pathAllowed) ?? String($0)
        }.joined(separator: "/")
        let form = Self.formEncode(parameters)
        var url = baseURL() + "/api2/json/" + encodedPath
        var request: HTTPClientRequest
        if verb == .GET || verb == .DELETE {
            if !form.isEmpty { url += "?" + form }
            request = HTTPClientRequest(url: url)
        } else {
            request = HTTPClientRequest(url: url)
            if !form.isEmpty {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
        }
        request.method = verb
        switch credentials {
        case .none: break
        case .ticket(let ticket, let csrf):
            request.headers.add(name: "Cookie", value: "PVEAuthCookie=\(ticket)")
            if verb != .GET { request.headers.add(name: "CSRFPreventionToken", value: csrf) }
        case .token(let token):
            request.headers.add(name: "Authorization", value: "PVEAPIToken=\(token)")
        }
        do {
            let response = try await http.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 256 << 20)
            return APIReply(status: Int(response.status.code), reason: response.status.reasonPhrase, body: Array(body.readableBytesView))
        } catch {
            throw ClientError.connection("unable to connect to \(describeEndpoint()) - \(error)")
        }
    }

    func describeEndpoint() -> String {
        switch endpoint {
        case .socket(let path): return "the local daemon at \(path)"
        case .https(let host): return host
        }
    }

    static let pathAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~:@!$&'()*+,;=")
        return set
    }()

    static let formAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// `application/x-www-form-urlencoded`; arrays repeat their key.
    static func formEncode(_ parameters: [String: JSONValue]) -> String {
        var pairs: [String] = []
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? text }
        for key in parameters.keys.sorted() {
            let values = parameters[key]!.arrayValue ?? [parameters[key]!]
            for value in values { pairs.append(encode(key) + "=" + encode(value.displayText)) }
        }
        return pairs.joined(separator: "&")
    }
}
