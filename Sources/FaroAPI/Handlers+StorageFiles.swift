#if canImport(Glibc)
import Glibc
#endif
import FaroAPISpec
import FaroModel
import FaroStorage
import FaroSupport
import FaroTasks
import Foundation

extension Handlers {
    static func registerStorageFiles(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.post, "/nodes/{node}/storage/{storage}/upload") { request in
            guard let spooled = request.string("tmpfilename") else { throw APIError.parameter("filename", "no file was uploaded") }
            let (files, content, target) = try await fileTarget(services, request)
            let checksum = try expectedChecksum(request)
            let upid = try await services.tasks.start(type: "imgcopy", id: "", user: request.identity.user.description) { log in
                do {
                    log.log("starting file import from: \(spooled)")
                    log.log("target node: \(services.nodeName)")
                    log.log("target file: \(target)")
                    log.log("file size is: \(FileStatus.of(spooled)?.size ?? 0)")
                    if let checksum { try await verifyChecksum(services, spooled, checksum, log: log) }
                    try await moveIntoPlace(services, spooled, target)
                    log.log("finished file import successfully")
                } catch {
                    FileIO.remove(spooled)
                    throw error
                }
            }
            services.logger.info("upload", metadata: ["storage": "\(files.id)", "content": "\(content.rawValue)", "file": "\(target)"])
            return .json(.string(upid.description))
        }
        table.on(.post, "/nodes/{node}/storage/{storage}/download-url") { request in
            let (files, _, target) = try await fileTarget(services, request)
            let checksum = try expectedChecksum(request)
            let url = request.required("url")
            let verify = request.bool("verify-certificates") ?? true
            let compression = request.string("compression")
            let upid = try await services.tasks.start(type: "download", id: "", user: request.identity.user.description) { log in
                let spool = try SpoolFile(directory: files.layout.base)
                spool.close()
                do {
                    log.log("downloading \(url) to \(target)")
                    try await download(services, url, to: spool.path, verify: verify, log: log)
                    if let checksum { try await verifyChecksum(services, spool.path, checksum, log: log) }
                    if let compression { try await decompress(services, spool.path, compression, log: log) }
                    try await moveIntoPlace(services, spool.path, target)
                    log.log("download of '\(url)' to '\(target)' finished")
                } catch {
                    FileIO.remove(spool.path)
                    throw error
                }
            }
            return .json(.string(upid.description))
        }
    }

    /// The storage (a file storage that allows `content`), the content type, and the path of
    /// the new file; the file name is normalised as Proxmox does and must not exist yet.
    static func fileTarget(_ services: NodeServices, _ request: APIRequest) async throws -> (any FileStorage, ContentType, String) {
        let plugin = try await services.storage.plugin(request.required("storage"))
        guard let content = ContentType(rawValue: request.required("content")) else {
            throw APIError.parameter("content", "invalid content type")
        }
        guard services.storage.content(of: plugin.definition).contains(content) else {
            throw APIError.parameter("storage", "storage '\(plugin.id)' does not support content-type '\(content.rawValue)'")
        }
        guard let files = plugin as? any FileStorage else {
            throw APIError.parameter("storage", "storage '\(plugin.id)' holds no files")
        }
        let name = normalizedFileName(request.required("filename"))
        let path: String
        do {
            path = try files.filePath(content: content, fileName: name)
        } catch {
            throw APIError.parameter("filename", "wrong file extension or invalid name '\(name)' for content type '\(content.rawValue)'")
        }
        guard !FileIO.exists(path) else { throw APIError.failed("refusing to override existing file '\(name)'") }
        return (files, content, path)
    }

    /// Keeps the last path component and replaces every character outside `[A-Za-z0-9_.-]`.
    static func normalizedFileName(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        let mapped = String(last.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
        })
        return mapped.hasPrefix(".") ? "_" + mapped.dropFirst() : mapped
    }

    struct Checksum: Sendable { var algorithm: String; var value: String }

    static func expectedChecksum(_ request: APIRequest) throws -> Checksum? {
        guard let value = request.string("checksum") else { return nil }
        guard let algorithm = request.string("checksum-algorithm") else {
            throw APIError.parameter("checksum-algorithm", "'checksum-algorithm' is required when 'checksum' is set")
        }
        return Checksum(algorithm: algorithm, value: value.lowercased())
    }

    static func verifyChecksum(_ services: NodeServices, _ path: String, _ checksum: Checksum, log: TaskLog) async throws {
        log.log("calculating checksum...")
        let output = try await services.runner.checked(["\(checksum.algorithm)sum", path])
        let actual = output.split(separator: " ").first.map(String.init) ?? ""
        guard actual == checksum.value else {
            throw APIError.failed("checksum mismatch: got '\(actual)' != expect '\(checksum.value)'")
        }
        log.log("checksum verified")
    }

    /// Renames the finished file into place (copying when it sits on another file system).
    static func moveIntoPlace(_ services: NodeServices, _ source: String, _ target: String) async throws {
        chmod(source, 0o644)
        if rename(source, target) == 0 { return }
        guard errno == EXDEV else { throw FileError("rename", path: source, errno: errno) }
        try await services.runner.checked(["cp", "--sparse=always", source, target])
        FileIO.remove(source)
    }

    /// Runs curl into `path` and logs the bytes received every second.
    static func download(_ services: NodeServices, _ url: String, to path: String, verify: Bool, log: TaskLog) async throws {
        var argv = ["curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=http,https", "--output", path]
        if !verify { argv.append("--insecure") }
        argv.append(url)
        let command = argv
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.runner.checked(command) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    log.log("downloaded \(FileStatus.of(path)?.size ?? 0) bytes")
                }
            }
            try await group.next()
            group.cancelAll()
        }
        log.log("downloaded \(FileStatus.of(path)?.size ?? 0) bytes in total")
    }

    /// Decompresses in place, file to file (downloads can be larger than memory).
    static func decompress(_ services: NodeServices, _ path: String, _ algorithm: String, log: TaskLog) async throws {
        let packed = path + "." + algorithm
        let argv: [String]
        switch algorithm {
        case "gz": argv = ["gzip", "-d", "-f", packed]
        case "bz2": argv = ["bzip2", "-d", "-f", packed]
        case "zst": argv = ["zstd", "-d", "-f", "-q", "--rm", packed, "-o", path]
        case "lzo": argv = ["lzop", "-d", "-f", "-U", packed, "-o", path]
        default: throw APIError.parameter("compression", "unknown compression '\(algorithm)'")
        }
        log.log("decompressing with \(argv[0])")
        try FileIO.rename(path, to: packed)
        do {
            try await services.runner.checked(argv)
        } catch {
            FileIO.remove(packed)
            throw error
        }
    }
}

extension Handlers {
    /// Where uploads to a storage are spooled: its base directory, so finishing is a rename.
    public static func uploadDirectory(_ services: NodeServices) -> @Sendable ([String: String]) async throws -> String {
        { pathParameters in
            let plugin = try await services.storage.plugin(pathParameters["storage"] ?? "")
            guard let files = plugin as? any FileStorage else {
                throw APIError.parameter("storage", "storage '\(plugin.id)' holds no files")
            }
            try await files.activate()
            return files.layout.base
        }
    }
}
