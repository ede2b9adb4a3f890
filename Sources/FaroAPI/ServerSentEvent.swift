import FaroModel

/// One record of a `text/event-stream` body (the WHATWG server-sent events format).
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var id: String?
    public var data: [UInt8]?
    /// A comment line, which clients ignore; it keeps idle connections open.
    public var comment: String?
    /// How long a client waits before it reconnects, in milliseconds.
    public var retry: Int?

    public init(event: String? = nil, id: String? = nil, data: [UInt8]? = nil, comment: String? = nil, retry: Int? = nil) {
        self.event = event
        self.id = id
        self.data = data
        self.comment = comment
        self.retry = retry
    }

    /// An event whose data is one JSON document.
    public static func json(_ event: String, id: String?, _ value: JSONValue) -> ServerSentEvent {
        ServerSentEvent(event: event, id: id, data: JSONWriter.bytes(value))
    }

    /// The record as sent, ending with the blank line that dispatches it.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        func line(_ field: String, _ value: some Sequence<UInt8>) {
            out.append(contentsOf: field.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value)
            out.append(UInt8(ascii: "\n"))
        }
        if let comment { line("", comment.utf8.filter { $0 != UInt8(ascii: "\n") }) }
        if let retry { line("retry", String(retry).utf8) }
        if let event { line("event", event.utf8) }
        if let id { line("id", id.utf8) }
        if let data {
            // A newline inside the data starts another `data:` line; clients join them again.
            for part in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) { line("data", part) }
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }
}

/// Writes the events of one streaming response. `send` writes one event and throws once the
/// client has gone; the producer returns when it has nothing more to say.
public typealias EventProducer = @Sendable (_ send: (ServerSentEvent) async throws -> Void) async throws -> Void
