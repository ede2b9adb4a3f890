import FaroSupport
import FaroTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import FaroServer

/// The GUI's files: compressed when the browser accepts gzip, revalidated with ETag and
/// Last-Modified (304 without a body), and served anew once the file changes.
@Suite struct StaticContentTests {
    static let script = String(repeating: "export const answer = 42; // the same line again and again\n", count: 200)

    func withWebRoot(_ body: @Sendable (TemporaryDirectory, any TestClientProtocol) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileIO.makeDirectory(directory.file("js"))
        try FileIO.writeAtomically(directory.file("js/main.js"), Array(Self.script.utf8))
        try FileIO.writeAtomically(
            directory.file("logo.png"), [0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 7, count: 2000))
        let app = Application(responder: StaticContent(webRoot: directory.path))
        try await app.test(.router) { client in try await body(directory, client) }
    }

    @Test func aScriptIsSentGzippedToABrowserThatAcceptsIt() async throws {
        try await withWebRoot { _, client in
            let packed = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.acceptEncoding: "gzip, deflate, br"]
            ) { $0 }
            #expect(packed.status == .ok)
            #expect(packed.headers[.contentEncoding] == "gzip")
            #expect(packed.headers[.vary] == "Accept-Encoding")
            #expect(packed.headers[.contentType] == "text/javascript;charset=UTF-8")
            let bytes = Array(packed.body.readableBytesView)
            #expect(bytes.count < Self.script.utf8.count / 10, "a repetitive script shrinks a lot")
            let unpacked = try await SubprocessRunner().run(["gzip", "-dc"], input: bytes).checked().output
            #expect(unpacked == Self.script)

            let plain = try await client.execute(uri: "/js/main.js", method: .get) { $0 }
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(String(buffer: plain.body) == Self.script)
            let refused = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.acceptEncoding: "gzip;q=0"]
            ) { $0 }
            #expect(refused.headers[.contentEncoding] == nil)
            #expect(plain.headers[.eTag] != packed.headers[.eTag], "each representation has its own tag")
        }
    }

    @Test func anImageIsNotCompressed() async throws {
        try await withWebRoot { _, client in
            let image = try await client.execute(uri: "/logo.png", method: .get, headers: [.acceptEncoding: "gzip"]) {
                $0
            }
            #expect(image.status == .ok)
            #expect(image.headers[.contentEncoding] == nil)
            #expect(image.body.readableBytes == 2004)
        }
    }

    @Test func anUnchangedFileIsRevalidatedWithoutABody() async throws {
        try await withWebRoot { directory, client in
            let first = try await client.execute(uri: "/js/main.js", method: .get, headers: [.acceptEncoding: "gzip"]) {
                $0
            }
            let etag = try #require(first.headers[.eTag])
            let lastModified = try #require(first.headers[.lastModified])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
            #expect(lastModified.hasSuffix(" GMT"))
            #expect(first.headers[.cacheControl] == "no-cache", "the browser keeps the file but asks before using it")

            let again = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]
            ) { $0 }
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)
            let byDate = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.ifModifiedSince: lastModified]
            ) { $0 }
            #expect(byDate.status == .notModified)
            let otherTag = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.ifNoneMatch: "\"0000\"", .ifModifiedSince: lastModified]
            ) { $0 }
            #expect(otherTag.status == .ok, "If-None-Match decides when it is sent")

            try FileIO.writeAtomically(directory.file("js/main.js"), Array("export const answer = 43;\n".utf8))
            let changed = try await client.execute(
                uri: "/js/main.js", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]
            ) { $0 }
            #expect(changed.status == .ok)
            #expect(String(buffer: changed.body) == "export const answer = 43;\n", "a small file goes out as it is")
            #expect(changed.headers[.eTag] != etag)
        }
    }

    @Test func missingFilesAndHiddenNamesAreNotFound() async throws {
        try await withWebRoot { _, client in
            for uri in ["/js/none.js", "/js", "/js/../../etc/passwd", "/.hidden"] {
                let response = try await client.execute(uri: uri, method: .get) { $0 }
                #expect(response.status == .notFound, "\(uri)")
            }
        }
    }

    @Test func httpDatesAreInTheIMFFormat() {
        #expect(StaticFile.httpDate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func acceptEncodingIsReadWithItsQualities() {
        #expect(Gzip.isAccepted(by: "gzip, deflate"))
        #expect(Gzip.isAccepted(by: "br;q=1.0, gzip;q=0.5"))
        #expect(Gzip.isAccepted(by: "*"))
        #expect(!Gzip.isAccepted(by: "*, gzip;q=0"))
        #expect(!Gzip.isAccepted(by: "identity"))
        #expect(!Gzip.isAccepted(by: nil))
    }
}
