#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation, with the path and the system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Int32

    public init(_ operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "unable to \(operation) '\(path)' - \(String(cString: strerror(errno)))" }
    public var isNotFound: Bool { errno == ENOENT }
}

/// Small, synchronous file helpers over POSIX calls.
public enum FileIO {
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open", path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path: path, errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    public static func readText(_ path: String) throws(FileError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    /// Reads a file, or nil when it does not exist.
    public static func readTextIfExists(_ path: String) throws(FileError) -> String? {
        do {
            return try readText(path)
        } catch where error.isNotFound {
            return nil
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0, errno != EEXIST {
                throw FileError("create directory", path: prefix, errno: errno)
            }
        }
    }

    /// Writes a file so that a reader (or a crash) sees either the old or the new content:
    /// a temporary file in the same directory, fsync, then rename over the target.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(FileError) {
        // A name of its own per call: two writers of one path (two tasks of one daemon, two
        // daemons on one root) never write into each other's temporary file.
        let temp = path + ".tmp.\(getpid()).\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError("create", path: temp, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temp)
                throw FileError("write", path: temp, errno: code)
            }
            offset += written
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temp)
            throw FileError("sync", path: temp, errno: code)
        }
        close(fd)
        if Glibc.rename(temp, path) != 0 {
            let code = errno
            unlink(temp)
            throw FileError("rename", path: path, errno: code)
        }
    }

    /// Appends bytes to a file, creating it when missing.
    public static func append(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError("open", path: path, errno: errno) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError("write", path: path, errno: errno)
            }
            offset += written
        }
    }

    public static func remove(_ path: String) {
        unlink(path)
    }

    public static func rename(_ from: String, to: String) throws(FileError) {
        if Glibc.rename(from, to) != 0 { throw FileError("rename", path: from, errno: errno) }
    }

    public static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
