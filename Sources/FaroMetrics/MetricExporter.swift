import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL

/// Sends each collection round to the enabled metric servers of `status.cfg`. Every server is
/// sent to by a task of its own and the round is not waited for, so a server that is down
/// never slows the loop; while a server's previous round is still on its way, the next one
/// is skipped for it (and logged) instead of piling up.
public actor MetricExporter {
    let servers: MetricServers
    let logger: Logger
    private var busy: Set<String> = []
    /// For HTTPS servers with `verify-certificate 0`; made on first use.
    private var unverifiedClient: HTTPClient?

    public init(servers: MetricServers, logger: Logger) {
        self.servers = servers
        self.logger = logger
    }

    /// Starts sending `round` to every enabled server; returns the ids it was sent to.
    @discardableResult
    public func send(_ round: MetricsRound) async -> [String] {
        guard let list = try? await servers.list().servers else { return [] }
        var started: [String] = []
        for server in list where !server.isDisabled {
            guard !busy.contains(server.id) else {
                logger.warning("metric server '\(server.id)': previous round still being sent, skipping this one")
                continue
            }
            busy.insert(server.id)
            started.append(server.id)
            let token = server.kind == .influxdb ? try? await servers.token(server.id) : nil
            let client = server.transport == "https" && !server.verifiesCertificate ? unverified() : HTTPClient.shared
            Task {
                do {
                    try await Self.deliver(round, to: server, token: token, client: client)
                } catch {
                    logger.warning("metric server '\(server.id)': \(error)")
                }
                finished(server.id)
            }
        }
        return started
    }

    /// Whether a round is still on its way to `id`.
    public func isSending(_ id: String) -> Bool { busy.contains(id) }

    private func finished(_ id: String) { busy.remove(id) }

    private func unverified() -> HTTPClient {
        if let unverifiedClient { return unverifiedClient }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        unverifiedClient = client
        return client
    }

    static func deliver(_ round: MetricsRound, to server: MetricServer, token: String?, client: HTTPClient) async throws {
        switch (server.kind, server.transport) {
        case (.graphite, "tcp"):
            let text = MetricsPayload.graphiteLines(round, path: server.graphitePath).map { $0 + "\n" }.joined()
            try await MetricSocket.sendStream(Array(text.utf8), host: server.server, port: server.port, timeout: server.timeout)
        case (.graphite, _):
            let lines = MetricsPayload.graphiteLines(round, path: server.graphitePath)
            try await MetricSocket.sendDatagrams(datagrams(lines, mtu: server.mtu), host: server.server, port: server.port)
        case (.influxdb, "http"), (.influxdb, "https"):
            for body in batches(MetricsPayload.influxLines(round), limit: server.maxBodySize) {
                try await InfluxHTTP.write(body, to: server, token: token, client: client)
            }
        case (.influxdb, _):
            let lines = MetricsPayload.influxLines(round)
            try await MetricSocket.sendDatagrams(datagrams(lines, mtu: server.mtu), host: server.server, port: server.port)
        }
    }

    /// Lines packed into datagrams that fit the MTU (less IP and UDP headers, as Proxmox
    /// leaves 50 bytes).
    static func datagrams(_ lines: [String], mtu: Int) -> [[UInt8]] {
        batches(lines, limit: max(1, mtu - 50)).map { Array($0.utf8) }
    }

    /// Newline-terminated lines joined into texts of at most `limit` bytes (a longer line alone).
    static func batches(_ lines: [String], limit: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for line in lines {
            let entry = line + "\n"
            if !current.isEmpty, current.utf8.count + entry.utf8.count > limit {
                result.append(current)
                current = ""
            }
            current += entry
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// InfluxDB's HTTP write: the v2 API (`/api/v2/write?org=&bucket=`, `Authorization: Token`),
/// which InfluxDB 2 and 1.8 answer; an InfluxDB 1 older than 1.8 answers it with 404, and then
/// gets the v1 API (`/write?db=<bucket>`, the token as `user:password`).
enum InfluxHTTP {
    static func write(_ body: String, to server: MetricServer, token: String?, client: HTTPClient) async throws {
        let base = "\(server.transport)://\(host(server.server)):\(server.port)" + (server.apiPathPrefix.map { "/" + $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) } ?? "")
        let query = { (pairs: [(String, String)]) in
            pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? "")" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: base + "/api/v2/write?" + query([("org", server.organization), ("bucket", server.bucket), ("precision", "ns")]))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        if let token { request.headers.add(name: "Authorization", value: "Token \(token)") }
        request.body = .bytes(ByteBuffer(string: body))
        let deadline = TimeAmount.seconds(Int64(max(1, server.timeout)))
        var response = try await client.execute(request, timeout: deadline)
        if response.status.code == 404 {
            var pairs = [("db", server.bucket), ("precision", "ns")]
            if let token, let colon = token.firstIndex(of: ":") {
                pairs += [("u", String(token[..<colon])), ("p", String(token[token.index(after: colon)...]))]
            }
            var v1 = HTTPClientRequest(url: base + "/write?" + query(pairs))
            v1.method = .POST
            v1.body = .bytes(ByteBuffer(string: body))
            response = try await client.execute(v1, timeout: deadline)
        }
        guard (200..<300).contains(response.status.code) else { throw MetricSendError.http(Int(response.status.code)) }
    }

    /// An IPv6 address goes in brackets in a URL.
    static func host(_ server: String) -> String { server.contains(":") ? "[\(server)]" : server }
}
