import CFaroZlib

/// gzip compression (zlib), for the web GUI's files and the OpenAPI document.
public enum Gzip {
    /// `bytes` as one gzip member, or nil when zlib fails. Files are compressed once and then
    /// served many times, so the best (slowest) level pays off.
    public static func compress(_ bytes: [UInt8], level: Int32 = 9) -> [UInt8]? {
        let capacity = faro_gzip_bound(bytes.count)
        guard capacity > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: capacity)
        let written = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                faro_gzip(input.baseAddress, input.count, out.baseAddress, capacity, level)
            }
        }
        guard written > 0 else { return nil }
        output.removeSubrange(written...)
        return output
    }

    /// Whether an `Accept-Encoding` header value accepts gzip (`gzip;q=0` refuses it).
    public static func isAccepted(by acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var qualities: [String: Double] = [:]
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let coding = parts.first?.lowercased() else { continue }
            qualities[coding] = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
        }
        // A named coding wins over the wildcard.
        return (qualities["gzip"] ?? qualities["x-gzip"] ?? qualities["*"] ?? 0) > 0
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
