#if canImport(Glibc)
import Glibc
#endif

/// A disk a backup reads: a raw image file or block device, or an NBD export.
public protocol DiskReader: AnyObject {
    var size: UInt64 { get }
    /// Fills `buffer` from `offset` on; fewer bytes only at the end of the disk.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int
}

/// A disk a restore writes.
public protocol DiskWriter: AnyObject {
    /// True when unwritten ranges already read as zeros (a new sparse file, a thin volume), so
    /// zero blocks need not be written (Proxmox's `sparseinit`).
    var readsZeroWhenNew: Bool { get }
    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(BackupError)
    /// Makes the data durable.
    func finish() throws(BackupError)
}

/// A raw image file or block device, through `pread`/`pwrite` on a descriptor it owns.
public final class RawDisk: DiskReader, DiskWriter {
    public let path: String
    public let size: UInt64
    public let readsZeroWhenNew: Bool
    private let descriptor: Int32

    /// Opens `path` for reading, or for writing too.
    public init(path: String, writable: Bool = false, readsZeroWhenNew: Bool = false) throws(BackupError) {
        let descriptor = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else {
            let error = errno
            close(descriptor)
            throw .io(operation: "seek", path: path, errno: error)
        }
        self.path = path
        self.descriptor = descriptor
        self.readsZeroWhenNew = readsZeroWhenNew
        size = UInt64(end)
    }

    deinit { close(descriptor) }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            done += count
        }
        return done
    }

    public func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var done = 0
        while done < bytes.count {
            let count = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            done += count
        }
    }

    public func finish() throws(BackupError) {
        guard fsync(descriptor) == 0 else { throw .io(operation: "sync", path: path, errno: errno) }
    }
}
