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
                try parser.feed(chunk.readableBytesView, upload: &upload, writer: &writer)
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

        mutating func feed(_ bytes: ByteBufferView, upload: inout SpooledUpload, writer: inout SpoolFile?) throws {
            pending.append(contentsOf: bytes)
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
                    let end = Self.find([13, 10, 13, 10], in: pending, from: offset)
                    let stop = end ?? pending.count
                    headerBytes.append(contentsOf: pending[offset..<stop])
                    guard headerBytes.count <= spooler.maxHeaderBytes else { throw MultipartError.tooLarge("part header") }
                    guard let end else {
                        pending.removeAll()
                        return
                    }
                    offset = end + 4
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
            guard haystack.count - start >= needle.count else { return nil }
            return haystack.withUnsafeBufferPointer { hay in
                needle.withUnsafeBufferPointer { pattern in
                    var index = start
                    let last = hay.count - pattern.count
                    while index <= last {
                        guard let hit = memchr(hay.baseAddress! + index, Int32(pattern[0]), last - index + 1) else { return nil }
                        let position = hay.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                        if memcmp(hay.baseAddress! + position, pattern.baseAddress!, pattern.count) == 0 { return position }
                        index = position + 1
                    }
                    return nil
                }
            }
        }
    }
}

/// A new hidden file in the spool directory. Writes are gathered into 1 MiB blocks, so a
/// stream of small TLS records becomes few system calls.
struct SpoolFile {
    static let blockSize = 1 << 20
    let path: String
    let fd: Int32
    private var buffer: [UInt8] = []

    init(directory: String) throws {
        var template = Array("\(directory)/.upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw MultipartError.io("unable to create upload file in '\(directory)' - \(String(cString: strerror(errno)))") }
        self.fd = fd
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        buffer.reserveCapacity(Self.blockSize)
    }

    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        if buffer.count + bytes.count > Self.blockSize { try flush() }
        if bytes.count >= Self.blockSize { try writeAll(bytes) } else { buffer.append(contentsOf: bytes) }
    }

    /// Writes what is buffered and closes the file.
    mutating func finish() throws {
        try flush()
        close()
    }

    private mutating func flush() throws {
        try writeAll(buffer[...])
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MultipartError.io("unable to write upload - \(String(cString: strerror(errno)))")
                }
                offset += written
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
