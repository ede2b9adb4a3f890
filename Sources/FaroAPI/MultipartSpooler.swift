#if canImport(Glibc)
import Glibc
#endif
import FaroSupport
import NIOCore

/// A `multipart/form-data` body after spooling: its small fields as text and the one file
/// part written to disk as it arrived, never held in memory.
struct SpooledUpload: Sendable {
    var fields: [String: String] = [:]
    /// The name the client gave the file (`Content-Disposition: ...; filename="x.iso"`).
    var fileName: String?
    var path: String?
    var size: Int = 0
}

enum MultipartError: Error, CustomStringConvertible {
    case malformed(String)
    case tooLarge(String)
    case io(String)

    var description: String {
        switch self {
        case .malformed(let reason): return "malformed multipart body - \(reason)"
        case .tooLarge(let what): return "multipart \(what) too large"
        case .io(let reason): return reason
        }
    }
}

/// Streams a multipart body: parts are separated by `\r\n--<boundary>`; the part named
/// `fileField` goes to a new file in `directory`, the others (limited in size) to `fields`.
struct MultipartSpooler {
    let boundary: [UInt8]
    let fileField: String
    let directory: String
    var maxFieldBytes = 64 << 10
    var maxHeaderBytes = 16 << 10

    static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                return (1...200).contains(value.utf8.count) ? value : nil
            }
        }
        return nil
    }

    init(boundary: String, fileField: String, directory: String) {
        self.boundary = Array(("\r\n--" + boundary).utf8)
        self.fileField = fileField
        self.directory = directory
    }

    enum State { case preamble, headers, body, done }

    /// Reads the whole body. On any failure the spooled file is removed before the error is thrown.
    func spool<Body: AsyncSequence>(_ body: Body) async throws -> SpooledUpload where Body.Element == ByteBuffer {
        var upload = SpooledUpload()
        var writer: SpoolFile?
        do {
            var parser = Parser(spooler: self)
            // The first delimiter has no leading CRLF.
            parser.pending = [13, 10]
            for try await chunk in body {
                try parser.feed(chunk, upload: &upload, writer: &writer)
            }
            guard parser.state == .done else { throw MultipartError.malformed("unexpected end of body") }
            try writer?.finish()
            return upload
        } catch {
            writer?.close()
            if let path = upload.path { FileIO.remove(path) }
            throw error
        }
    }

    struct Parser {
        let spooler: MultipartSpooler
        var state = State.preamble
        var pending: [UInt8] = []
        var headerBytes: [UInt8] = []
        var partName: String?
        var isFile = false
        var fieldBytes: [UInt8] = []

        init(spooler: MultipartSpooler) { self.spooler = spooler }

        mutating func feed(_ chunk: ByteBuffer, upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            if state == .body, isFile, try feedFileBody(chunk, upload: &upload, writer: &writer) { return }
            pending.append(contentsOf: chunk.readableBytesView)
            try parsePending(upload: &upload, writer: &writer)
        }

        /// The bulk of an upload: a chunk inside the file part without a delimiter goes from the
        /// network buffer to the file; only a tail that could begin a delimiter is kept back.
        /// Returns false, having consumed nothing of the chunk, where the general parser must look.
        mutating func feedFileBody(_ chunk: ByteBuffer, upload: inout SpooledUpload, writer: inout SpoolFile?) throws -> Bool {
            let delimiter = spooler.boundary
            guard chunk.readableBytes >= delimiter.count else { return false }
            if !pending.isEmpty {
                // A delimiter that begins in the held-back tail ends within the chunk's first bytes.
                let junction = pending + chunk.readableBytesView.prefix(delimiter.count)
                if junction.withUnsafeBytes({ Self.find(delimiter, in: $0, from: 0) }) != nil { return false }
                try emit(pending[...], upload: &upload, writer: &writer)
                pending.removeAll(keepingCapacity: true)
            }
            guard chunk.withUnsafeReadableBytes({ Self.find(delimiter, in: $0, from: 0) }) == nil else { return false }
            let safe = chunk.readableBytes - delimiter.count + 1
            try writer!.write(chunk.getSlice(at: chunk.readerIndex, length: safe)!)
            upload.size += safe
            pending.append(contentsOf: chunk.readableBytesView.dropFirst(safe))
            return true
        }

        /// Parses what `pending` holds as far as it can and keeps the rest for the next chunk.
        mutating func parsePending(upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            var offset = 0
            while offset < pending.count, state != .done {
                switch state {
                case .preamble, .body:
                    guard let found = Self.find(spooler.boundary, in: pending, from: offset) else {
                        // Keep what could be the start of a delimiter.
                        let safe = max(offset, pending.count - spooler.boundary.count + 1)
                        if state == .body { try emit(pending[offset..<safe], upload: &upload, writer: &writer) }
                        offset = safe
                        pending.removeFirst(offset)
                        return
                    }
                    if state == .body {
                        try emit(pending[offset..<found], upload: &upload, writer: &writer)
                        try finishPart(upload: &upload, writer: &writer)
                        // Until the bytes after the delimiter are here, it is found again from the preamble state.
                        state = .preamble
                    }
                    let after = found + spooler.boundary.count
                    guard pending.count >= after + 2 else {
                        pending.removeFirst(found)
                        return
                    }
                    if pending[after] == UInt8(ascii: "-"), pending[after + 1] == UInt8(ascii: "-") {
                        state = .done
                        return
                    }
                    guard pending[after] == 13, pending[after + 1] == 10 else { throw MultipartError.malformed("bad delimiter") }
                    offset = after + 2
                    state = .headers
                    headerBytes = []
                case .headers:
                    // The blank line that ends the headers may straddle two chunks: look for it
                    // in what was collected, from the last three bytes already there.
                    let collected = headerBytes.count
                    headerBytes.append(contentsOf: pending[offset...])
                    guard let end = Self.find([13, 10, 13, 10], in: headerBytes, from: max(0, collected - 3)) else {
                        guard headerBytes.count <= spooler.maxHeaderBytes else { throw MultipartError.tooLarge("part header") }
                        pending.removeAll()
                        return
                    }
                    guard end <= spooler.maxHeaderBytes else { throw MultipartError.tooLarge("part header") }
                    offset += end + 4 - collected
                    headerBytes.removeSubrange(end...)
                    try startPart(upload: &upload, writer: &writer)
                    state = .body
                case .done:
                    return
                }
            }
            pending.removeFirst(min(offset, pending.count))
        }

        mutating func startPart(upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            let text = String(decoding: headerBytes, as: UTF8.self)
            var disposition = ""
            for line in text.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                disposition = String(line.dropFirst("content-disposition:".count))
            }
            let attributes = Self.attributes(disposition)
            guard let name = attributes["name"] else { throw MultipartError.malformed("part without a name") }
            partName = name
            fieldBytes = []
            isFile = name == spooler.fileField && attributes["filename"] != nil
            if isFile {
                guard writer == nil else { throw MultipartError.malformed("more than one file") }
                upload.fileName = attributes["filename"]
                let file = try SpoolFile(directory: spooler.directory)
                upload.path = file.path
                writer = file
            }
        }

        mutating func emit(_ bytes: ArraySlice<UInt8>, upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            guard !bytes.isEmpty else { return }
            if isFile {
                try writer!.write(bytes)
                upload.size += bytes.count
            } else {
                fieldBytes.append(contentsOf: bytes)
                guard fieldBytes.count <= spooler.maxFieldBytes else { throw MultipartError.tooLarge("field '\(partName ?? "")'") }
            }
        }

        mutating func finishPart(upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            guard let partName, !isFile else { return }
            guard upload.fields[partName] == nil else { throw MultipartError.malformed("duplicate field '\(partName)'") }
            upload.fields[partName] = String(decoding: fieldBytes, as: UTF8.self)
        }

        /// `form-data; name="x"; filename="y.iso"` → ["name": "x", "filename": "y.iso"].
        static func attributes(_ disposition: String) -> [String: String] {
            var result: [String: String] = [:]
            for item in disposition.split(separator: ";").dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                result[pair[0].lowercased()] = value
            }
            return result
        }

        /// The first index of `needle` in `haystack` at or after `start`.
        static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
            haystack.withUnsafeBytes { find(needle, in: $0, from: start) }
        }

        static func find(_ needle: [UInt8], in hay: UnsafeRawBufferPointer, from start: Int) -> Int? {
            guard hay.count - start >= needle.count else { return nil }
            return needle.withUnsafeBufferPointer { pattern in
                var index = start
                let last = hay.count - pattern.count
                while index <= last {
                    guard let hit = memchr(hay.baseAddress! + index, Int32(pattern[0]), last - index + 1) else { return nil }
                    let position = hay.baseAddress!.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hay.baseAddress! + position, pattern.baseAddress!, pattern.count) == 0 { return position }
                    index = position + 1
                }
                return nil
            }
        }
    }
}

/// A new hidden file in the spool directory. Network buffers are queued as they are (no
/// copy) and written with one `writev` per MiB, so a stream of TLS records becomes few system calls.
struct SpoolFile {
    static let blockSize = 1 << 20
    /// Stays below IOV_MAX (1024) with room to spare.
    static let maxQueued = 256
    let path: String
    let fd: Int32
    private var queued: [ByteBuffer] = []
    private var queuedBytes = 0

    init(directory: String) throws {
        var template = Array("\(directory)/.upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw MultipartError.io("unable to create upload file in '\(directory)' - \(String(cString: strerror(errno)))") }
        self.fd = fd
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        queued.reserveCapacity(Self.maxQueued)
    }

    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        try write(ByteBuffer(bytes: bytes))
    }

    mutating func write(_ bytes: ByteBuffer) throws {
        guard bytes.readableBytes > 0 else { return }
        queued.append(bytes)
        queuedBytes += bytes.readableBytes
        if queuedBytes >= Self.blockSize || queued.count >= Self.maxQueued { try flush() }
    }

    /// Writes what is queued and closes the file.
    mutating func finish() throws {
        try flush()
        close()
    }

    private mutating func flush() throws {
        var vectors: [iovec] = []
        vectors.reserveCapacity(queued.count)
        try Self.withVectors(queued[...], &vectors) { try writeAll(&$0) }
        queued.removeAll(keepingCapacity: true)
        queuedBytes = 0
    }

    /// Runs `body` with an iovec per buffer, each pointer valid for the whole call.
    private static func withVectors(
        _ buffers: ArraySlice<ByteBuffer>, _ vectors: inout [iovec], _ body: (inout [iovec]) throws -> Void
    ) throws {
        guard let first = buffers.first else { return try body(&vectors) }
        try first.withUnsafeReadableBytes { bytes in
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
            try withVectors(buffers.dropFirst(), &vectors, body)
        }
    }

    /// `writev` until every vector is written, resuming after short writes.
    private func writeAll(_ vectors: inout [iovec]) throws {
        var start = 0
        while start < vectors.count {
            let written = vectors[start...].withUnsafeBufferPointer { Glibc.writev(fd, $0.baseAddress, Int32($0.count)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw MultipartError.io("unable to write upload - \(String(cString: strerror(errno)))")
            }
            var remaining = written
            while start < vectors.count, remaining >= vectors[start].iov_len {
                remaining -= vectors[start].iov_len
                start += 1
            }
            if remaining > 0 {
                vectors[start].iov_base += remaining
                vectors[start].iov_len -= remaining
            }
        }
    }

    func close() { Glibc.close(fd) }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
