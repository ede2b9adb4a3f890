#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FileIO {
    /// Writes `text` into a file that must exist, in one `write` and without truncating or
    /// renaming: how cgroup and sysfs files take a value. The kernel's refusal is the error.
    public static func writeExisting(_ path: String, _ text: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open", path: path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw FileError("write", path: path, errno: written < 0 ? errno : EIO) }
    }
}
