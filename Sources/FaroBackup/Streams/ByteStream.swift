#if canImport(Glibc)
import Glibc
#endif

/// Where an archive's bytes go: a file, or the write end of a pipe into a compressor.
/// Written from one thread at a time (the backup's own), so not `Sendable`.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError)
    /// Bytes accepted so far.
    var bytesWritten: Int64 { get }
}

/// Where an archive's bytes come from: a file, or the read end of a pipe from a decompressor.
public protocol ByteSource: AnyObject {
    /// Fills `buffer` completely unless the stream ends first; returns the bytes read
    /// (0 at the end of the stream).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int
    var bytesRead: Int64 { get }
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws(BackupError) { try write(bytes, 0..<bytes.count) }
}

/// An unbuffered sink over a descriptor it owns (the writers above it batch their output
/// into large writes already). Retries short writes and EINTR.
public final class DescriptorSink: ByteSink {
    public let descriptor: Int32
    private let name: String
    public private(set) var bytesWritten: Int64 = 0
    private var closed = false

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    deinit { if !closed { Glibc.close(descriptor) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var done = 0
        while done < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: name, errno: errno)
            }
            done += count
        }
        bytesWritten += Int64(bytes.count)
    }

    /// Closes the descriptor (a pipe's reader then sees end of file); idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }
}

/// A source over a descriptor it owns, reading until the buffer is full or the stream ends.
public final class DescriptorSource: ByteSource {
    public let descriptor: Int32
    private let name: String
    public private(set) var bytesRead: Int64 = 0
    private var closed = false

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    deinit { if !closed { Glibc.close(descriptor) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = Glibc.read(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: name, errno: errno)
            }
            if count == 0 { break }
            done += count
        }
        bytesRead += Int64(done)
        return done
    }

    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }
}

/// A sink that keeps everything in memory: for tests and for small archives (headers).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public var bytesWritten: Int64 { Int64(bytes.count) }
    public init() {}
    public func write(_ raw: UnsafeRawBufferPointer) throws(BackupError) { bytes.append(contentsOf: raw) }
}

/// A source over bytes in memory.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    public var bytesRead: Int64 { Int64(position) }
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}

// The standard library's `withUnsafe…Bytes` only rethrow untyped errors; these keep
// `BackupError` typed through them.
extension ByteSource {
    /// Reads into `array[range]`; returns the bytes read.
    func read(into array: inout [UInt8], _ range: Range<Int>) throws(BackupError) -> Int {
        var outcome: Result<Int, BackupError> = .success(0)
        array.withUnsafeMutableBytes { raw in
            outcome = Result { () throws(BackupError) in try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[range])) }
        }
        return try outcome.get()
    }
}

extension ByteSink {
    /// Writes `array[range]`.
    func write(_ array: [UInt8], _ range: Range<Int>) throws(BackupError) {
        var outcome: Result<Void, BackupError> = .success(())
        array.withUnsafeBytes { raw in
            outcome = Result { () throws(BackupError) in try write(UnsafeRawBufferPointer(rebasing: raw[range])) }
        }
        try outcome.get()
    }
}
