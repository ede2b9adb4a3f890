import Foundation

/// One comparison of a transaction.
struct EtcdCompare: Sendable {
    enum Target: Sendable {
        case created(Int64)
        case modified(Int64)
        case value(String)
    }
    let key: String
    let target: Target
    /// `EQUAL`, `NOT_EQUAL`, `GREATER`, `LESS`.
    var result = "EQUAL"

    var json: [String: Any] {
        var object: [String: Any] = ["key": EtcdClient.base64(key), "result": result]
        switch target {
        case .created(let revision):
            object["target"] = "CREATE"
            object["create_revision"] = String(revision)
        case .modified(let revision):
            object["target"] = "MOD"
            object["mod_revision"] = String(revision)
        case .value(let value):
            object["target"] = "VALUE"
            object["value"] = EtcdClient.base64(value)
        }
        return object
    }
}

/// One operation of a transaction branch.
enum EtcdOperation: Sendable {
    case put(key: String, value: [UInt8], lease: Int64 = 0)
    case delete(key: String)
    case range(key: String)

    var json: [String: Any] {
        switch self {
        case .put(let key, let value, let lease):
            var put: [String: Any] = ["key": EtcdClient.base64(key), "value": EtcdClient.base64(value)]
            if lease != 0 { put["lease"] = String(lease) }
            return ["request_put": put]
        case .delete(let key): return ["request_delete_range": ["key": EtcdClient.base64(key)]]
        case .range(let key): return ["request_range": ["key": EtcdClient.base64(key)]]
        }
    }
}

extension EtcdClient {
    /// Every key under `prefix` (linearizable), with the revision the answer is current at.
    func range(prefix: String, keysOnly: Bool = false) async throws -> EtcdRangeResponse {
        var body: [String: Any] = ["key": Self.base64(prefix), "range_end": Self.rangeEnd(prefix)]
        if keysOnly { body["keys_only"] = true }
        return try await call("/v3/kv/range", body, as: EtcdRangeResponse.self)
    }

    /// One key, or nil.
    func get(_ key: String) async throws -> (EtcdKeyValue?, revision: Int64) {
        let response = try await call("/v3/kv/range", ["key": Self.base64(key)], as: EtcdRangeResponse.self)
        return (response.kvs.first, response.header.revision)
    }

    /// A transaction: `success` runs when every comparison holds, else `failure`.
    func txn(compare: [EtcdCompare], success: [EtcdOperation], failure: [EtcdOperation]) async throws -> EtcdTxnResponse {
        try await call(
            "/v3/kv/txn",
            ["compare": compare.map(\.json), "success": success.map(\.json), "failure": failure.map(\.json)],
            as: EtcdTxnResponse.self)
    }

    /// Deletes every key under `prefix`; returns the revision after.
    @discardableResult
    func deleteRange(prefix: String) async throws -> Int64 {
        try await call(
            "/v3/kv/deleterange", ["key": Self.base64(prefix), "range_end": Self.rangeEnd(prefix)], as: EtcdRangeResponse.self
        ).header.revision
    }

    /// Drops the history before `revision`; watches from before it are cancelled.
    public func compact(revision: Int64) async throws {
        _ = try await call("/v3/kv/compaction", ["revision": String(revision), "physical": true], as: EtcdHeaderOnly.self)
    }
}

/// An answer that is only its header.
struct EtcdHeaderOnly: Decodable, Sendable {
    let header: EtcdHeader?
}
