import AsyncHTTPClient
import FaroStore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// A small client for etcd's v3 JSON gateway over HTTPS with mutual TLS. Every call carries
/// `Grpc-Metadata-hasleader: true`, so a member without a leader fails at once instead of
/// hanging. A member that cannot be reached, has no leader or times out makes the call fail
/// with `StoreError.noQuorum` once every endpoint was tried.
public final class EtcdClient: Sendable {
    /// Where the members listen and the certificates to talk to them with.
    public struct Configuration: Sendable {
        /// Client URLs (`https://127.0.0.1:2379`), tried in order.
        public var endpoints: [String]
        /// PEM files: the cluster CA, this client's certificate and its key.
        public var caFile: String
        public var certificateFile: String
        public var keyFile: String
        /// How long a unary call may take before the member counts as unreachable.
        public var timeout: Duration

        public init(endpoints: [String], caFile: String, certificateFile: String, keyFile: String, timeout: Duration = .seconds(5)) {
            self.endpoints = endpoints
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.timeout = timeout
        }
    }

    public let configuration: Configuration
    let http: HTTPClient
    private let lackedQuorum = Mutex(false)

    /// Whether the last call failed because no member could commit (unreachable, no leader).
    public var lastCallLackedQuorum: Bool { lackedQuorum.withLock { $0 } }

    public init(_ configuration: Configuration) throws {
        guard !configuration.endpoints.isEmpty else { throw StoreError.backend("etcd: no endpoints configured") }
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(configuration.caFile))
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(configuration.certificateFile).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: configuration.keyFile, format: .pem))
        tls.certificateVerification = .fullVerification
        var settings = HTTPClient.Configuration()
        settings.tlsConfiguration = tls
        settings.httpVersion = .http1Only
        settings.timeout = .init(connect: .seconds(2))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    /// Closes the connections; the client is unusable afterwards.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: calls

    /// One unary call: posts `body` (a JSON object) to `path` on the first endpoint that answers.
    func call<Response: Decodable>(_ path: String, _ body: [String: Any], as type: Response.Type) async throws -> Response {
        let bytes = try JSONSerialization.data(withJSONObject: body)
        var lastError: StoreError = .noQuorum
        for endpoint in configuration.endpoints {
            let response: HTTPClientResponse
            let data: ByteBuffer
            do {
                let timeout = TimeAmount.nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000
                    + configuration.timeout.components.attoseconds / 1_000_000_000)
                response = try await http.execute(request(endpoint + path, bytes), timeout: timeout)
                data = try await response.body.collect(upTo: 16 << 20)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Unreachable or too slow: another member may answer.
                lastError = .noQuorum
                continue
            }
            let payload = Data(data.readableBytesView)
            if response.status == .ok {
                lackedQuorum.withLock { $0 = false }
                do {
                    return try JSONDecoder().decode(Response.self, from: payload)
                } catch {
                    throw StoreError.backend("etcd: unexpected answer to \(path): \(String(decoding: payload, as: UTF8.self).prefix(200))")
                }
            }
            let failure = try? JSONDecoder().decode(EtcdErrorBody.self, from: payload)
            let message = failure?.message ?? failure?.error ?? String(decoding: payload, as: UTF8.self)
            // gRPC 14 (unavailable: no leader) and 4 (deadline exceeded) mean this member
            // cannot commit now; 2 is how the gateway reports a timed-out write.
            if [2, 4, 14].contains(failure?.code ?? 0) || response.status == .serviceUnavailable {
                lastError = .noQuorum
                continue
            }
            throw EtcdError(path: path, code: failure?.code ?? 0, message: message)
        }
        lackedQuorum.withLock { $0 = true }
        throw lastError
    }

    func request(_ url: String, _ body: Data) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Grpc-Metadata-hasleader", value: "true")
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// A key or value as the gateway wants it.
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// The end of the range of every key starting with `prefix`.
    static func rangeEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return Data(bytes).base64EncodedString()
            }
            bytes.removeLast()
        }
        return Data([0]).base64EncodedString()
    }
}

/// An error etcd answered that is not about quorum (a missing lease, an unhealthy cluster).
public struct EtcdError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// The gRPC status code.
    public let code: Int
    public let message: String
    public var description: String { "etcd \(path): \(message)" }
}
