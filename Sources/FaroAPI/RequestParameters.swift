import FaroModel

/// Decodes the parameters of a request: the query string, and for POST/PUT a urlencoded or
/// JSON body. Repeated form keys become arrays, as Proxmox's parser makes them.
enum RequestParameters {
    /// At most this many `key=value` pairs in a query or body: a container config, the largest
    /// parameter set, has about 600 keys.
    static let maxPairs = 4096

    /// Splits `a=1&b=2&a=3` into values; `+` means space in forms. Linear in the text: values
    /// of a repeated key are gathered first and become one array at the end.
    static func parseForm(_ text: Substring) throws(APIError) -> [String: JSONValue] {
        var values: [String: [String]] = [:]
        var pairs = 0
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            pairs += 1
            guard pairs <= maxPairs else { throw APIError(status: 400, "too many parameters (at most \(maxPairs))") }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = percentDecode(parts[0].utf8, plusIsSpace: true), !key.isEmpty else {
                throw APIError(status: 400, "malformed form parameter")
            }
            guard let value = parts.count == 2 ? percentDecode(parts[1].utf8, plusIsSpace: true) : "" else {
                throw APIError(status: 400, "malformed form parameter '\(key)'")
            }
            values[key, default: []].append(value)
        }
        return values.mapValues { $0.count == 1 ? .string($0[0]) : .array($0.map(JSONValue.string)) }
    }

    static func parseJSONBody(_ bytes: [UInt8]) throws(APIError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError(status: 400, "malformed JSON request body - \(error.reason) at offset \(error.offset)")
        }
        guard case .object(let members) = value else {
            throw APIError(status: 400, "JSON request body must be an object")
        }
        return members
    }

    /// Percent-decoding; nil for a truncated escape or bytes that are not UTF-8.
    static func percentDecode(_ text: some Sequence<UInt8>, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace: bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
