import FaroModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds responses in Proxmox's wire format for the `json` and `extjs` formats.
public enum ResponseWriter {
    static let jsonType = "application/json;charset=UTF-8"
    /// Carries the reason phrase to the HTTP/1 encoder stage, which puts it in the status line.
    public static let reasonHeader = "x-faro-reason"
    static let reasonField = HTTPField.Name(reasonHeader)!
    /// The reason phrase again, for a node that forwarded the request (the HTTP/1 stage removes
    /// `x-faro-reason`; this one stays).
    static let forwardedReasonField = HTTPField.Name("x-faro-forwarded-reason")!

    static func success(_ result: APIResult, extjs: Bool) -> Response {
        var body: [UInt8]
        switch result {
        case .text(let text):
            return Response(
                status: .ok, headers: [.contentType: "text/plain;charset=UTF-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        case .json(let value, let total):
            body = Array("{\"data\":".utf8)
            JSONWriter.write(value, into: &body)
            if let total { body.append(contentsOf: ",\"total\":\(total)".utf8) }
        case .encoded(let data):
            body = Array("{\"data\":".utf8)
            body.append(contentsOf: data)
        case .events(let producer):
            return eventStream(producer)
        case .response(let response):
            return response
        }
        if extjs { body.append(contentsOf: ",\"success\":1".utf8) }
        body.append(UInt8(ascii: "}"))
        return Response(
            status: .ok, headers: [.contentType: jsonType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A `text/event-stream` response; every event is written (and flushed) as it comes.
    static func eventStream(_ producer: @escaping EventProducer) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream;charset=UTF-8", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                try await producer { event in try await writer.write(ByteBuffer(bytes: event.encoded)) }
                try await writer.finish(nil)
            })
    }

    static func failure(_ error: APIError, extjs: Bool) -> Response {
        var object: [String: JSONValue] = ["data": .null, "message": .string(error.message + "\n")]
        if let errors = error.errors { object["errors"] = .object(errors.mapValues(JSONValue.string)) }
        if extjs {
            object["success"] = 0
            object["status"] = .int(error.status)
            return Response(
                status: .ok, headers: [.contentType: jsonType],
                body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(.object(object)))))
        }
        return Response(
            status: status(error), headers: [.contentType: jsonType, reasonField: reasonPhrase(error.message)],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(.object(object)))))
    }

    /// Authentication failures carry the reason only in the status line, with an empty body.
    static func unauthorized(_ reason: String) -> Response {
        Response(
            status: .init(code: 401, reasonPhrase: reasonPhrase(reason)),
            headers: [.contentLength: "0", reasonField: reasonPhrase(reason)])
    }

    static func status(_ error: APIError) -> HTTPResponse.Status {
        .init(code: error.status, reasonPhrase: reasonPhrase(error.message))
    }

    /// The first line of a message, restricted to what a status line may carry.
    static func reasonPhrase(_ message: String) -> String {
        let line = message.split(separator: "\n", omittingEmptySubsequences: true).first ?? ""
        let cleaned = line.unicodeScalars.map { scalar -> Character in
            (0x20..<0x7F).contains(scalar.value) || scalar == "\t" ? Character(scalar) : "?"
        }
        let phrase = String(cleaned.prefix(512))
        return phrase.isEmpty ? "Error" : phrase
    }
}
