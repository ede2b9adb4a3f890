import AsyncHTTPClient
import FaroStore
import Foundation
import NIOCore

extension EtcdClient {
    /// Watches every key under `prefix` from `startRevision` on and hands each message to
    /// `receive` as it comes, until the stream ends (returns) or fails (throws; `noQuorum`
    /// when the member has no leader or none can be reached). Watches are one streamed
    /// request each, one JSON message a line.
    func watch(
        prefix: String, startRevision: Int64, receive: (EtcdWatchMessage.Result) async throws -> Void
    ) async throws {
        let body = try JSONSerialization.data(withJSONObject: [
            "create_request": [
                "key": Self.base64(prefix), "range_end": Self.rangeEnd(prefix), "start_revision": String(startRevision),
                "progress_notify": true,
            ] as [String: Any]
        ])
        var response: HTTPClientResponse?
        for endpoint in configuration.endpoints {
            do {
                response = try await http.execute(request(endpoint + "/v3/watch", body), deadline: .distantFuture)
                if response?.status == .ok { break }
                response = nil
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                continue
            }
        }
        guard let response else { throw StoreError.noQuorum }
        var pending = Data()
        for try await chunk in response.body {
            pending.append(contentsOf: chunk.readableBytesView)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { continue }
                let message = try JSONDecoder().decode(EtcdWatchMessage.self, from: Data(line))
                if let error = message.error {
                    let text = error.message ?? "watch failed"
                    throw text.contains("no leader") || error.httpCode == 503 ? StoreError.noQuorum : StoreError.backend("etcd watch: \(text)")
                }
                if let result = message.result { try await receive(result) }
            }
        }
    }
}
