/// What a terminal console's client sends through the websocket, in Proxmox's termproxy
/// framing: first one line `USER:TICKET\n`, then a stream of messages, `0:LEN:DATA` (LEN
/// bytes of keyboard input), `1:COLS:ROWS:` (the window's new size) and `2` (keep-alive).
/// Websocket frames do not delimit messages: one frame may carry several or part of one.
public enum TermproxyMessage: Sendable, Hashable {
    case authentication(user: String, ticket: String)
    case input([UInt8])
    case resize(columns: Int, rows: Int)
    case ping
}

public enum TermproxyError: Error, Sendable, Hashable, CustomStringConvertible {
    case badAuthentication
    case badMessage(String)

    public var description: String {
        switch self {
        case .badAuthentication: return "expected 'USER:TICKET' as the first line"
        case .badMessage(let what): return "invalid termproxy message: \(what)"
        }
    }
}

/// Splits the client's byte stream into `TermproxyMessage`s; a message cut by a frame
/// boundary waits for the rest.
public struct TermproxyDecoder: Sendable {
    /// Longer first lines or size fields are not a client speaking the protocol.
    static let maxLineLength = 4096
    static let maxFieldLength = 10
    /// The most keyboard input one message may carry.
    static let maxInputLength = 1 << 20

    private var buffer: [UInt8] = []
    private var authenticated = false

    public init() {}

    /// The complete messages `bytes` finishes, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(TermproxyError) -> [TermproxyMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [TermproxyMessage] = []
        var offset = 0
        while offset < buffer.count, let (message, length) = try next(buffer[offset...]) {
            messages.append(message)
            offset += length
        }
        buffer.removeFirst(offset)
        return messages
    }

    /// The message at the start of `bytes` and its length, or nil when it is incomplete.
    private mutating func next(_ bytes: ArraySlice<UInt8>) throws(TermproxyError) -> (TermproxyMessage, Int)? {
        guard authenticated else {
            guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                if bytes.count > Self.maxLineLength { throw .badAuthentication }
                return nil
            }
            let line = String(decoding: bytes[..<end], as: UTF8.self)
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { throw .badAuthentication }
            authenticated = true
            let ticket = line[line.index(after: colon)...]
            return (.authentication(user: String(line[..<colon]), ticket: String(ticket)), end + 1 - bytes.startIndex)
        }
        switch bytes.first {
        case UInt8(ascii: "2"):
            return (.ping, 1)
        case UInt8(ascii: "0"):
            guard let (length, dataStart) = try field(bytes, from: bytes.startIndex + 1) else { return nil }
            guard length <= Self.maxInputLength else { throw .badMessage("input of \(length) bytes") }
            guard bytes.endIndex - dataStart >= length else { return nil }
            return (.input(Array(bytes[dataStart..<dataStart + length])), dataStart + length - bytes.startIndex)
        case UInt8(ascii: "1"):
            guard let (columns, rowsStart) = try field(bytes, from: bytes.startIndex + 1),
                let (rows, end) = try field(bytes, from: rowsStart - 1)
            else { return nil }
            return (.resize(columns: columns, rows: rows), end - bytes.startIndex)
        default:
            throw .badMessage("unknown type \(bytes.first.map { String(UnicodeScalar($0)) } ?? "")")
        }
    }

    /// The decimal number in `:N:` at `start` (the first colon) and the index after its closing
    /// colon, or nil when the closing colon has not arrived yet.
    private func field(_ bytes: ArraySlice<UInt8>, from start: Int) throws(TermproxyError) -> (Int, Int)? {
        guard start < bytes.endIndex else { return nil }
        guard bytes[start] == UInt8(ascii: ":") else { throw .badMessage("missing ':'") }
        var value = 0
        var index = start + 1
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: ":") {
            let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit), index - start <= Self.maxFieldLength else { throw .badMessage("bad number") }
            value = value * 10 + digit
            index += 1
        }
        guard index < bytes.endIndex else { return nil }
        guard index > start + 1 else { throw .badMessage("empty number") }
        return (value, index + 1)
    }
}
