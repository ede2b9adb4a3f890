@testable import FaroAPI
import Foundation
import NIOCore
import Testing

/// The multipart parser must give the same file and fields whatever way the network cuts the
/// body into chunks, also where a chunk ends inside a delimiter or the file holds near-delimiters.
@Suite struct MultipartSpoolerTests {
    static let boundary = "----faro-test-boundary"

    /// File bytes full of traps: CRLFs, `--`, and the delimiter's beginnings without its end.
    static let file: [UInt8] = {
        var bytes: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<3000 {
            switch round % 5 {
            case 0: bytes += Array("\r\n--".utf8)
            case 1: bytes += Array("\r\n--\(boundary.dropLast())X".utf8)
            case 2: bytes += Array("\r\n\r\n".utf8)
            default: bytes += (0..<Int.random(in: 1...700, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
        }
        return bytes
    }()

    static func body() -> [UInt8] {
        var body = Array("preamble to ignore\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso".utf8)
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.iso\"\r\n".utf8)
        body += Array("Content-Type: application/octet-stream\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\nabc\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    struct Chunks: AsyncSequence {
        typealias Element = ByteBuffer
        let chunks: [ByteBuffer]
        struct AsyncIterator: AsyncIteratorProtocol {
            var rest: ArraySlice<ByteBuffer>
            mutating func next() async -> ByteBuffer? { rest.popFirst() }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: chunks[...]) }
    }

    static func chunks(_ body: [UInt8], sizes: [Int]) -> Chunks {
        var result: [ByteBuffer] = []
        var offset = 0
        var turn = 0
        while offset < body.count {
            let size = min(sizes[turn % sizes.count], body.count - offset)
            result.append(ByteBuffer(bytes: body[offset..<offset + size]))
            offset += size
            turn += 1
        }
        return Chunks(chunks: result)
    }

    func spool(_ chunks: Chunks) async throws -> (SpooledUpload, [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faro-multipart-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let upload = try await MultipartSpooler(boundary: Self.boundary, fileField: "filename", directory: directory).spool(chunks)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try #require(upload.path))))
        return (upload, bytes)
    }

    @Test(arguments: [[1], [2, 3], [7], [24], [25], [26], [27], [100, 1], [4096], [65536], [16384, 13, 24], [1 << 20]])
    func sameResultForEveryChunking(sizes: [Int]) async throws {
        let (upload, bytes) = try await spool(Self.chunks(Self.body(), sizes: sizes))
        #expect(upload.fileName == "a.iso")
        #expect(upload.fields == ["content": "iso", "checksum": "abc"])
        #expect(upload.size == Self.file.count)
        if bytes != Self.file {
            let first = zip(bytes, Self.file).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(bytes.count, Self.file.count)
            Issue.record("file differs from byte \(first) of \(Self.file.count) (got \(bytes.count)): \(Array(Self.file[max(0, first - 8)..<min(Self.file.count, first + 40)]))")
        }
    }

    @Test func aBodyWithoutItsClosingDelimiterIsRejectedAndLeavesNoFile() async throws {
        let body = Self.body()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faro-multipart-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spooler = MultipartSpooler(boundary: Self.boundary, fileField: "filename", directory: directory)
        await #expect(throws: MultipartError.self) {
            _ = try await spooler.spool(Self.chunks(Array(body.dropLast(60)), sizes: [4096]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
