import FaroSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The web GUI's files, read, hashed and compressed once and kept until the file changes
/// (its size, modification time or inode differ), so a page load costs no disk reads and no
/// compression. Files above `maximumSize` are served but not kept.
final class StaticFileCache: Sendable {
    struct Stamp: Equatable {
        var size: Int
        var modified: Int
        var modifiedNanoseconds: Int
        var inode: UInt64
    }

    private let entries = Mutex<[String: (stamp: Stamp, file: StaticFile)]>([:])
    let maximumSize: Int

    init(maximumSize: Int = 16 << 20) { self.maximumSize = maximumSize }

    /// The file at `path` (symlinks followed, as Debian's library packages use them), or nil
    /// when it is missing or not a regular file. `compress`: whether its type is worth gzip.
    func file(at path: String, compress: Bool) -> StaticFile? {
        guard let stamp = Self.stamp(path) else {
            entries.withLock { _ = $0.removeValue(forKey: path) }
            return nil
        }
        if let cached = entries.withLock({ $0[path] }), cached.stamp == stamp { return cached.file }
        guard let bytes = try? FileIO.read(path) else { return nil }
        let file = StaticFile(bytes: bytes, modified: stamp.modified, compress: compress)
        // The file may have changed while it was read; the next request then sees a new stamp.
        if bytes.count <= maximumSize { entries.withLock { $0[path] = (stamp, file) } }
        return file
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Stamp(
            size: Int(info.st_size), modified: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec),
            inode: UInt64(info.st_ino))
    }
}
