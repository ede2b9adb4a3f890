/// Minimal textual IP address parsing, enough for schema validation.
public enum IPAddress {
    public static func parse(_ text: String) -> [UInt8]? { parseV4(text) ?? parseV6(text) }

    public static func parseV4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigitChar), let value = UInt8(part) else {
                return nil
            }
            if part.count > 1, part.first == "0" { return nil }
            bytes.append(value)
        }
        return bytes
    }

    public static func parseV6(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var text = Substring(text)
        var tailV4: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(String(text[text.index(after: lastColon)...])) else { return nil }
            tailV4 = v4
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let wanted = tailV4.isEmpty ? 8 : 6
        let present = head.count + tail.count
        if halves.count == 2 {
            guard present < wanted else { return nil }
        } else {
            guard present == wanted else { return nil }
        }
        let all = head + Array(repeating: 0, count: wanted - present) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tailV4
    }
}

extension Substring {
    fileprivate func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = self
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
