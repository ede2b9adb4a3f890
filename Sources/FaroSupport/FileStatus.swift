#if canImport(Glibc)
import Glibc
#endif

/// `lstat`/`statvfs` facts a storage needs, without following symlinks.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: Sendable { case file, directory, symlink, blockDevice, other }

    public var kind: Kind
    public var size: UInt64
    /// Bytes allocated on disk (sparse files use less than `size`).
    public var allocated: UInt64
    public var modified: Int
    public var mode: UInt32

    /// nil when nothing is at `path`.
    public static func of(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFBLK: kind = .blockDevice
        default: kind = .other
        }
        return FileStatus(
            kind: kind, size: UInt64(max(0, info.st_size)), allocated: UInt64(max(0, info.st_blocks)) * 512,
            modified: Int(info.st_mtim.tv_sec), mode: UInt32(info.st_mode & 0o7777))
    }
}

/// Total, used and available bytes of the file system holding a path.
public struct FileSystemSpace: Sendable, Equatable {
    public var total: UInt64
    public var used: UInt64
    public var available: UInt64

    public static func of(_ path: String) -> FileSystemSpace? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let block = UInt64(info.f_frsize)
        let total = UInt64(info.f_blocks) * block
        let free = UInt64(info.f_bfree) * block
        return FileSystemSpace(total: total, used: total - free, available: UInt64(info.f_bavail) * block)
    }
}

extension FileIO {
    /// The canonical absolute path (symlinks resolved), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Removes a directory tree (not following symlinks out of it).
    public static func removeTree(_ path: String) {
        guard let status = FileStatus.of(path) else { return }
        if status.kind == .directory {
            for name in listDirectory(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

