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
/// stylesheet and addons) and `/xterm-lib/` (`node-xterm`: the library's modules).
struct StaticContent: HTTPResponder {
    typealias Context = FaroRequestContext
    let webRoot: String?
    var libraries = [
        "novnc": "/usr/share/novnc", "xterm": "/usr/share/javascript/xterm", "xterm-lib": "/usr/share/nodejs/xterm/lib",
    ]

    static let types: [String: String] = [
        "html": "text/html;charset=UTF-8", "js": "text/javascript;charset=UTF-8", "mjs": "text/javascript;charset=UTF-8",
        "css": "text/css;charset=UTF-8", "json": "application/json", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "woff2": "font/woff2", "txt": "text/plain;charset=UTF-8",
    ]

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
        let file = libraries[String(segments[0])].map { $0 + "/" + segments.dropFirst().joined(separator: "/") }
            ?? webRoot + "/" + segments.joined(separator: "/")
        guard !FileIO.isDirectory(file), let bytes = try? FileIO.read(file) else { return notFound() }
        let ext = String(segments.last!.split(separator: ".").last ?? "")
        return Response(
            status: .ok,
            headers: [.contentType: Self.types[ext] ?? "application/octet-stream", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
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
