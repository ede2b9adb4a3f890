import FaroAPISpec
import FaroModel
import FaroStorage
import FaroSupport
import FaroTasks

extension Handlers {
    static func registerStorageFiles(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.post, "/nodes/{node}/storage/{storage}/upload") { request in
            guard let spooled = request.string("tmpfilename") else { throw APIError.parameter("filename", "no file was uploaded") }
            let target = try await fileTarget(services, request)
            let checksum = try expectedChecksum(request)
            let upid = try await services.tasks.start(type: "imgcopy", id: "", user: request.identity.user.description) { log in
                do {
                    log.log("starting file import from: \(spooled)")
                    log.log("target node: \(services.nodeName)")
                    log.log("target file: \(target.path)")
                    log.log("file size is: \(FileStatus.of(spooled)?.size ?? 0)")
                    if let checksum {
                        try await services.files.verifyChecksum(spooled, algorithm: checksum.algorithm, expected: checksum.value) {
                            log.log($0)
                        }
                    }
                    try await services.files.moveIntoPlace(spooled, target.path)
                    log.log("finished file import successfully")
                } catch {
                    FileIO.remove(spooled)
                    throw error
                }
            }
            services.logger.info(
                "upload", metadata: ["storage": "\(target.files.id)", "content": "\(target.content.rawValue)", "file": "\(target.path)"])
            return .json(.string(upid.description))
        }
        table.on(.post, "/nodes/{node}/storage/{storage}/download-url") { request in
            let target = try await fileTarget(services, request)
            let checksum = try expectedChecksum(request)
            let url = request.required("url")
            let verify = request.bool("verify-certificates") ?? true
            let compression = request.string("compression")
            let upid = try await services.tasks.start(type: "download", id: "", user: request.identity.user.description) { log in
                let spool = try SpoolFile(directory: target.files.layout.base)
                spool.close()
                do {
                    log.log("downloading \(url) to \(target.path)")
                    try await services.files.download(url, to: spool.path, verifyCertificates: verify) { log.log($0) }
                    if let checksum {
                        try await services.files.verifyChecksum(spool.path, algorithm: checksum.algorithm, expected: checksum.value) {
                            log.log($0)
                        }
                    }
                    if let compression { try await services.files.decompress(spool.path, compression) { log.log($0) } }
                    try await services.files.moveIntoPlace(spool.path, target.path)
                    log.log("download of '\(url)' to '\(target.path)' finished")
                } catch {
                    FileIO.remove(spool.path)
                    throw error
                }
            }
            return .json(.string(upid.description))
        }
    }

    static func fileTarget(_ services: NodeServices, _ request: APIRequest) async throws -> StorageFiles.Target {
        try await services.files.target(
            storage: request.required("storage"), content: request.required("content"), fileName: request.required("filename"))
    }

    struct Checksum: Sendable { var algorithm: String; var value: String }

    static func expectedChecksum(_ request: APIRequest) throws -> Checksum? {
        guard let value = request.string("checksum") else { return nil }
        guard let algorithm = request.string("checksum-algorithm") else {
            throw APIError.parameter("checksum-algorithm", "'checksum-algorithm' is required when 'checksum' is set")
        }
        return Checksum(algorithm: algorithm, value: value.lowercased())
    }
}

extension Handlers {
    /// Where uploads to a storage are spooled: its base directory, so finishing is a rename.
    public static func uploadDirectory(_ services: NodeServices) -> @Sendable ([String: String]) async throws -> String {
        { pathParameters in
            try await services.files.uploadDirectory(storage: pathParameters["storage"] ?? "")
        }
    }
}
