/// The part of CBOR (RFC 8949) WebAuthn needs: attestation objects and COSE keys, definite
/// lengths only.
public indirect enum CBOR: Sendable, Hashable {
    case unsigned(UInt64)
    case negative(Int64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([CBOR: CBOR])
    case simple(UInt8)

    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid CBOR: \(reason)" }
    }

    /// Decodes one item from the start of `bytes`; `end` is where it stopped.
    public static func decode(_ bytes: [UInt8], from start: Int = 0) throws(DecodeError) -> (value: CBOR, end: Int) {
        var reader = Reader(bytes: bytes, offset: start)
        let value = try reader.item(depth: 0)
        return (value, reader.offset)
    }

    public subscript(key: CBOR) -> CBOR? {
        if case .map(let members) = self { return members[key] }
        return nil
    }

    public subscript(text: String) -> CBOR? { self[.text(text)] }
    public subscript(integer: Int) -> CBOR? {
        self[integer >= 0 ? .unsigned(UInt64(integer)) : .negative(Int64(integer))]
    }

    public var bytesValue: [UInt8]? { if case .bytes(let value) = self { value } else { nil } }
    public var textValue: String? { if case .text(let value) = self { value } else { nil } }
    public var intValue: Int? {
        switch self {
        case .unsigned(let value): Int(exactly: value)
        case .negative(let value): Int(value)
        default: nil
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func byte() throws(DecodeError) -> UInt8 {
            guard offset < bytes.count else { throw DecodeError(reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: Int) throws(DecodeError) -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else { throw DecodeError(reason: "truncated") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func argument(_ info: UInt8) throws(DecodeError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                return try take(1 << Int(info - 24)).reduce(0) { $0 << 8 | UInt64($1) }
            default: throw DecodeError(reason: "indefinite or reserved length")
            }
        }

        mutating func length(_ info: UInt8) throws(DecodeError) -> Int {
            let value = try argument(info)
            guard value <= UInt64(bytes.count) else { throw DecodeError(reason: "length beyond the data") }
            return Int(value)
        }

        mutating func item(depth: Int) throws(DecodeError) -> CBOR {
            guard depth < 16 else { throw DecodeError(reason: "nested too deeply") }
            let initial = try byte()
            let info = initial & 0x1F
            switch initial >> 5 {
            case 0: return .unsigned(try argument(info))
            case 1:
                let value = try argument(info)
                guard value < UInt64(Int64.max) else { throw DecodeError(reason: "negative integer out of range") }
                return .negative(-1 - Int64(value))
            case 2: return .bytes(try take(try length(info)))
            case 3:
                guard let text = String(validating: try take(try length(info)), as: UTF8.self) else {
                    throw DecodeError(reason: "text is not UTF-8")
                }
                return .text(text)
            case 4:
                let count = try length(info)
                var items: [CBOR] = []
                for _ in 0..<count { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                let count = try length(info)
                var members: [CBOR: CBOR] = [:]
                for _ in 0..<count {
                    let key = try item(depth: depth + 1)
                    members[key] = try item(depth: depth + 1)
                }
                return .map(members)
            case 7 where info < 24: return .simple(info)
            default: throw DecodeError(reason: "unsupported item type \(initial >> 5)")
            }
        }
    }
}
