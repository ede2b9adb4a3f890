#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroSupport
import Foundation

/// File work on the storages of this node that is not one plugin call: where an upload or
/// download goes, checksums, putting the finished file in place, backup notes and protection,
/// and copies between storages.
public struct StorageFiles: Sendable {
    public let storage: StorageService
    public let runner: any CommandRunner

    public init(storage: StorageService, runner: any CommandRunner) {
        self.storage = storage
        self.runner = runner
    }

    /// Where a new file goes: the file storage, its content type and the file's path.
    public struct Target: Sendable {
        public let files: any FileStorage
        public let content: ContentType
        public let path: String
    }

    /// The target of a new file: a file storage that allows `content`, and the file name
    /// normalised as Proxmox does, which must not exist yet.
    public func target(storage id: String, content contentName: String, fileName: String) async throws -> Target {
        let plugin = try await storage.plugin(id)
        guard let content = ContentType(rawValue: contentName) else { throw StorageError.invalidOption("content", "invalid content type") }
        guard storage.content(of: plugin.definition).contains(content) else {
            throw StorageError.invalidOption("storage", "storage '\(plugin.id)' does not support content-type '\(content.rawValue)'")
        }
        let files = try fileStorage(plugin)
        let name = Self.normalizedFileName(fileName)
        let path: String
        do {
            path = try files.filePath(content: content, fileName: name)
        } catch {
            throw StorageError.invalidOption(
                "filename", "wrong file extension or invalid name '\(name)' for content type '\(content.rawValue)'")
        }
        guard !FileIO.exists(path) else { throw StorageError.io("refusing to override existing file '\(name)'") }
        return Target(files: files, content: content, path: path)
    }

    /// Where uploads to storage `id` are spooled: its base directory, so finishing is a rename.
    public func uploadDirectory(storage id: String) async throws -> String {
        let files = try fileStorage(try await storage.plugin(id))
        try await files.activate()
        return files.layout.base
    }

    func fileStorage(_ plugin: any StoragePlugin) throws -> any FileStorage {
        guard let files = plugin as? any FileStorage else {
            throw StorageError.invalidOption("storage", "storage '\(plugin.id)' holds no files")
        }
        return files
    }

    /// Keeps the last path component and replaces every character outside `[A-Za-z0-9_.-]`.
    public static func normalizedFileName(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_.-"))
        let mapped = String(last.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && allowed.contains(scalar) ? Character(scalar) : "_"
        })
        return mapped.hasPrefix(".") ? "_" + mapped.dropFirst() : mapped
    }

    /// Checks the file against `expected` (lower-case hex) with `<algorithm>sum`.
    public func verifyChecksum(_ path: String, algorithm: String, expected: String, log: (String) -> Void) async throws {
        log("calculating checksum...")
        let output = try await runner.checked(["\(algorithm)sum", path])
        let actual = output.split(separator: " ").first.map(String.init) ?? ""
        guard actual == expected else { throw StorageError.io("checksum mismatch: got '\(actual)' != expect '\(expected)'") }
        log("checksum verified")
    }

    /// Renames the finished file into place (copying when it sits on another file system).
    public func moveIntoPlace(_ source: String, _ target: String) async throws {
        chmod(source, 0o644)
        if rename(source, target) == 0 { return }
        guard errno == EXDEV else { throw FileError("rename", path: source, errno: errno) }
        try await runner.checked(["cp", "--sparse=always", source, target])
        FileIO.remove(source)
    }
}
