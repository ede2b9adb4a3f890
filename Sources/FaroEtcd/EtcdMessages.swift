import Foundation

// The JSON shapes of etcd's v3 gateway. Proto3 JSON leaves out default values (no `kvs` when
// empty, no `succeeded` when false, no `type` for a put), and every 64-bit number is a string.

/// A key with its value and revisions, as etcd reports it.
struct EtcdKeyValue: Decodable, Sendable {
    let key: Data
    let value: Data
    let createRevision: Int64
    let modRevision: Int64
    let lease: Int64

    enum CodingKeys: String, CodingKey {
        case key, value, lease
        case createRevision = "create_revision"
        case modRevision = "mod_revision"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decodeIfPresent(Data.self, forKey: .key) ?? Data()
        value = try container.decodeIfPresent(Data.self, forKey: .value) ?? Data()
        createRevision = try container.int64(.createRevision)
        modRevision = try container.int64(.modRevision)
        lease = try container.int64(.lease)
    }
}

struct EtcdHeader: Decodable, Sendable {
    let revision: Int64

    enum CodingKeys: String, CodingKey { case revision }

    init(from decoder: any Decoder) throws {
        revision = try decoder.container(keyedBy: CodingKeys.self).int64(.revision)
    }
}

struct EtcdRangeResponse: Decodable, Sendable {
    let header: EtcdHeader
    let kvs: [EtcdKeyValue]

    enum CodingKeys: String, CodingKey { case header, kvs }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decode(EtcdHeader.self, forKey: .header)
        kvs = try container.decodeIfPresent([EtcdKeyValue].self, forKey: .kvs) ?? []
    }
}

struct EtcdTxnResponse: Decodable, Sendable {
    let header: EtcdHeader
    let succeeded: Bool
    /// The key-values each `range` operation of the chosen branch found, in order.
    let ranges: [[EtcdKeyValue]]

    enum CodingKeys: String, CodingKey { case header, succeeded, responses }
    struct Operation: Decodable {
        let responseRange: Range?
        enum CodingKeys: String, CodingKey { case responseRange = "response_range" }
        struct Range: Decodable {
            let kvs: [EtcdKeyValue]?
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decode(EtcdHeader.self, forKey: .header)
        succeeded = try container.decodeIfPresent(Bool.self, forKey: .succeeded) ?? false
        let operations = try container.decodeIfPresent([Operation].self, forKey: .responses) ?? []
        ranges = operations.compactMap { $0.responseRange.map { $0.kvs ?? [] } }
    }
}

struct EtcdLeaseResponse: Decodable, Sendable {
    let id: Int64
    let ttl: Int64

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case ttl = "TTL"
        case result
    }

    init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: CodingKeys.self)
        // keepalive answers inside `result` (it is a stream of one message); grant does not.
        let container = outer.contains(.result) ? try outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .result) : outer
        id = try container.int64(.id)
        ttl = try container.int64(.ttl)
    }
}

/// One message of a watch stream.
struct EtcdWatchMessage: Decodable, Sendable {
    let result: Result?
    let error: StreamError?

    struct Result: Decodable, Sendable {
        let header: EtcdHeader
        let created: Bool
        let canceled: Bool
        let compactRevision: Int64
        let cancelReason: String
        let events: [Event]

        enum CodingKeys: String, CodingKey {
            case header, created, canceled, events
            case compactRevision = "compact_revision"
            case cancelReason = "cancel_reason"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            header = try container.decode(EtcdHeader.self, forKey: .header)
            created = try container.decodeIfPresent(Bool.self, forKey: .created) ?? false
            canceled = try container.decodeIfPresent(Bool.self, forKey: .canceled) ?? false
            compactRevision = try container.int64(.compactRevision)
            cancelReason = try container.decodeIfPresent(String.self, forKey: .cancelReason) ?? ""
            events = try container.decodeIfPresent([Event].self, forKey: .events) ?? []
        }
    }

    struct Event: Decodable, Sendable {
        let isDelete: Bool
        let kv: EtcdKeyValue

        enum CodingKeys: String, CodingKey { case type, kv }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            isDelete = try container.decodeIfPresent(String.self, forKey: .type) == "DELETE"
            kv = try container.decode(EtcdKeyValue.self, forKey: .kv)
        }
    }

    struct StreamError: Decodable, Sendable {
        let message: String?
        let httpCode: Int?
        enum CodingKeys: String, CodingKey {
            case message
            case httpCode = "http_code"
        }
    }
}

/// A unary error: `{"error", "message", "code"}` (gRPC code).
struct EtcdErrorBody: Decodable, Sendable {
    let message: String?
    let error: String?
    let code: Int?
}

extension KeyedDecodingContainer {
    /// A 64-bit number that proto3 JSON writes as a string and leaves out when zero.
    func int64(_ key: Key) throws -> Int64 {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Int64(text) ?? 0 }
        return try decodeIfPresent(Int64.self, forKey: key) ?? 0
    }
}
