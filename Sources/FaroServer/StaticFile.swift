import Crypto
import FaroSupport
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// One file of the web GUI as it is served: its bytes, a gzip copy when that is smaller, and
/// the validators a browser revalidates its cached copy with (`ETag`, `Last-Modified`).
struct StaticFile: Sendable {
    let body: ByteBuffer
    let gzipped: ByteBuffer?
    /// A strong validator from the content, quoted: `"<16 hex digits>"`.
    let etag: String
    /// The file's modification time as an HTTP date.
    let lastModified: String

    /// The gzip copy carries its own tag: it is another representation of the same file.
    var gzipETag: String { "\"\(etag.dropFirst().dropLast())-gz\"" }

    init(bytes: [UInt8], modified: Int, compress: Bool) {
        body = ByteBuffer(bytes: bytes)
        let digest = SHA256.hash(data: bytes).prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        etag = "\"\(digest)\""
        lastModified = Self.httpDate(modified)
        // Below a few hundred bytes gzip saves nothing worth a header.
        if compress, bytes.count >= 256, let packed = Gzip.compress(bytes), packed.count < bytes.count {
            gzipped = ByteBuffer(bytes: packed)
        } else {
            gzipped = nil
        }
    }

    /// Whether an `If-None-Match` value names this file's current content (in either representation).
    func matches(ifNoneMatch: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { item in
            var tag = item.strippingCharacters(" \t")
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            return tag == "*" || tag == etag || tag == gzipETag
        }
    }

    /// RFC 9110's IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ epoch: Int) -> String {
        var time = time_t(epoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

extension Substring {
    fileprivate func strippingCharacters(_ set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
