import FaroAPI
import FaroModel
import FaroSupport
import HTTPTypes
import Hummingbird
import NIOCore

/// Everything outside `/api2`: files of the web GUI from the web root, or, without one, a
/// short page that points to the API and its OpenAPI document. The browser libraries of the
/// consoles come from Debian packages, each below its own prefix: noVNC (`novnc`, the VM
/// console) below `/novnc/`, xterm.js (the terminal consoles) below `/xterm/` (`libjs-xterm`:
/// stylesheet and addons) and `/xterm-lib/` (`node-xterm`: the library's modules); the
/// Summary graphs' Chart.js (`libjs-chart.js`) below `/chartjs/`; the QR code of a new TOTP
/// secret below `/qrcode/` (`node-qrcode-generator`).
///
/// Files are served with validators (`ETag`, `Last-Modified`): the browser keeps them and asks
/// again with `If-None-Match`, which costs a 304 without a body while the file is unchanged.
/// `no-cache` makes it ask every time, so a new version of the GUI's modules is never mixed
/// with cached old ones (there is no build step that would version their names). Text types
/// go out gzip-compressed when the browser accepts it.
struct StaticContent: HTTPResponder {
    typealias Context = FaroRequestContext
    let webRoot: String?
    var libraries = [
        "novnc": "/usr/share/novnc", "xterm": "/usr/share/javascript/xterm", "xterm-lib": "/usr/share/nodejs/xterm/lib",
        "chartjs": "/usr/share/javascript/chart.js",
        "qrcode": "/usr/share/javascript/qrcode-generator",
    ]
    let cache = StaticFileCache()

    static let types: [String: String] = [
        "html": "text/html;charset=UTF-8", "js": "text/javascript;charset=UTF-8", "mjs": "text/javascript;charset=UTF-8",
        "css": "text/css;charset=UTF-8", "json": "application/json", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "woff2": "font/woff2", "txt": "text/plain;charset=UTF-8",
    ]
    /// Types that are already compressed gain nothing from gzip.
    static let compressible: Set<String> = ["html", "js", "mjs", "css", "json", "svg", "txt", "ico"]

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .head else { return notFound() }
        var path = request.uri.path
        if path == "/" { path = "/index.html" }
        guard let webRoot else {
            return path == "/index.html" ? page(Self.plainIndex) : notFound()
        }
        // Only plain names below the web root: no `..`, no hidden files, no encoded tricks.
        let segments = path.split(separator: "/")
        guard !segments.isEmpty, segments.allSatisfy({ segment in
            !segment.hasPrefix(".") && segment.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        }) else { return notFound() }
        let location = libraries[String(segments[0])].map { $0 + "/" + segments.dropFirst().joined(separator: "/") }
            ?? webRoot + "/" + segments.joined(separator: "/")
        let ext = String(segments.last!.split(separator: ".").last ?? "")
        guard let file = cache.file(at: location, compress: Self.compressible.contains(ext)) else {
            return notFound()
        }
        return Self.response(for: file, type: Self.types[ext] ?? "application/octet-stream", request: request)
    }

    /// 304 when the browser's copy is current, else the file, gzip-compressed when accepted.
    static func response(for file: StaticFile, type: String, request: Request) -> Response {
        let gzip = file.gzipped != nil && Gzip.isAccepted(by: request.headers[.acceptEncoding])
        var headers: HTTPFields = [
            .cacheControl: "no-cache", .eTag: gzip ? file.gzipETag : file.etag, .lastModified: file.lastModified,
        ]
        if file.gzipped != nil { headers[.vary] = "Accept-Encoding" }
        // If-None-Match, when sent, decides alone (RFC 9110 13.2.2); the date is compared as sent.
        let unchanged =
            request.headers[.ifNoneMatch].map(file.matches(ifNoneMatch:))
            ?? (request.headers[.ifModifiedSince] == file.lastModified)
        if unchanged { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = type
        if gzip, let gzipped = file.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    private func page(_ html: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html;charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
    }

    static let plainIndex = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Faro</title></head>
        <body>
        <h1>Faro \(FaroVersion.faro)</h1>
        <p>The REST API is at <a href="/api2/json/version">/api2/json</a>; its OpenAPI document is
        <a href="/api2/openapi.json">/api2/openapi.json</a>. This daemon was started without a web root,
        so it serves no web interface.</p>
        </body></html>
        """
}
