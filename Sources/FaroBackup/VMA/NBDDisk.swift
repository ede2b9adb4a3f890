#if canImport(Glibc)
import Glibc
#endif

/// A read-only NBD export as a `DiskReader`: how a backup reads a disk it cannot open as a
/// raw file, from `qemu-nbd` (a qcow2 image of a stopped VM) or from QEMU's own NBD server
/// (the point-in-time view of a running VM's disk). Fixed newstyle handshake with `NBD_OPT_GO`,
/// simple replies, over a Unix socket; reads go 1 MiB at a time and are served from that buffer.
public final class NBDDisk: DiskReader {
    public let size: UInt64
    private let socket: Int32
    private let name: String
    private var cache: [UInt8] = []
    private var cacheOffset: UInt64 = .max
    private var handle: UInt64 = 0
    static let chunk = 1 << 20

    /// Connects to the socket at `path` and opens the export `export`.
    public init(socketPath path: String, export: String) throws(BackupError) {
        name = "nbd:unix:\(path):exportname=\(export)"
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw .io(operation: "create socket for", path: path, errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(socket)
            throw .unsupported("NBD socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            close(socket)
            throw .io(operation: "connect to", path: path, errno: error)
        }
        let name = name
        do throws(BackupError) { size = try Self.handshake(socket, export: export, name: name) } catch {
            close(socket)
            throw error
        }
        self.socket = socket
    }

    deinit {
        var request = Self.request(type: 2, handle: 0, offset: 0, length: 0)  // NBD_CMD_DISC
        _ = Glibc.send(socket, &request, request.count, Int32(MSG_NOSIGNAL))
        close(socket)
    }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        var done = 0
        while done < buffer.count, offset + UInt64(done) < size {
            let position = offset + UInt64(done)
            if position < cacheOffset || position >= cacheOffset + UInt64(cache.count) {
                let start = position - position % UInt64(Self.chunk)
                try fill(at: start, length: Int(min(UInt64(Self.chunk), size - start)))
            }
            let available = Int(cacheOffset + UInt64(cache.count) - position)
            let count = min(available, buffer.count - done)
            let from = Int(position - cacheOffset)
            cache.withUnsafeBytes { buffer.baseAddress!.advanced(by: done).copyMemory(from: $0.baseAddress! + from, byteCount: count) }
            done += count
        }
        return done
    }

    private func fill(at offset: UInt64, length: Int) throws(BackupError) {
        handle += 1
        try Self.send(socket, Self.request(type: 0, handle: handle, offset: offset, length: UInt32(length)), name)
        let reply = try Self.receive(socket, 16, name)
        guard reply.bigEndian(UInt32.self, at: 0) == 0x6744_6698 else { throw .invalidArchive("NBD server sent a bad reply") }
        let error = reply.bigEndian(UInt32.self, at: 4)
        guard error == 0 else { throw .io(operation: "read", path: name, errno: Int32(error)) }
        guard reply.bigEndian(UInt64.self, at: 8) == handle else { throw .invalidArchive("NBD reply for another request") }
        cache = try Self.receive(socket, length, name)
        cacheOffset = offset
    }

    static func request(type: UInt16, handle: UInt64, offset: UInt64, length: UInt32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 28)
        bytes.putBigEndian(UInt32(0x2560_9513), at: 0)
        bytes.putBigEndian(type, at: 6)
        bytes.putBigEndian(handle, at: 8)
        bytes.putBigEndian(offset, at: 16)
        bytes.putBigEndian(length, at: 24)
        return bytes
    }

    /// The fixed newstyle negotiation; returns the export's size.
    static func handshake(_ socket: Int32, export: String, name: String) throws(BackupError) -> UInt64 {
        let greeting = try receive(socket, 18, name)
        guard Array(greeting[0..<8]) == Array("NBDMAGIC".utf8), greeting.bigEndian(UInt64.self, at: 8) == 0x4948_4156_454F_5054 else {
            throw .invalidArchive("\(name) is not a newstyle NBD server")
        }
        let serverFlags = greeting.bigEndian(UInt16.self, at: 16)
        guard serverFlags & 1 != 0 else { throw .invalidArchive("\(name) does not speak fixed newstyle NBD") }
        var clientFlags = [UInt8](repeating: 0, count: 4)
        clientFlags.putBigEndian(UInt32(serverFlags & 3), at: 0)
        try send(socket, clientFlags, name)
        let exportName = Array(export.utf8)
        var option = [UInt8](repeating: 0, count: 16 + 4 + exportName.count + 2)
        option.putBigEndian(UInt64(0x4948_4156_454F_5054), at: 0)
        option.putBigEndian(UInt32(7), at: 8)  // NBD_OPT_GO
        option.putBigEndian(UInt32(4 + exportName.count + 2), at: 12)
        option.putBigEndian(UInt32(exportName.count), at: 16)
        option.replaceSubrange(20..<(20 + exportName.count), with: exportName)
        try send(socket, option, name)
        var size: UInt64?
        while true {
            let reply = try receive(socket, 20, name)
            guard reply.bigEndian(UInt64.self, at: 0) == 0x3_e889_0455_65a9 else { throw .invalidArchive("\(name): bad option reply") }
            let type = reply.bigEndian(UInt32.self, at: 12), length = Int(reply.bigEndian(UInt32.self, at: 16))
            let data = try receive(socket, length, name)
            if type & 0x8000_0000 != 0 {
                throw .tool("NBD server refused export '\(export)': \(String(decoding: data, as: UTF8.self))")
            }
            if type == 3, data.count >= 12, data.bigEndian(UInt16.self, at: 0) == 0 { size = data.bigEndian(UInt64.self, at: 2) }
            if type == 1 { break }  // NBD_REP_ACK
        }
        guard let size else { throw .invalidArchive("\(name) did not say its export size") }
        return size
    }

    static func send(_ socket: Int32, _ bytes: [UInt8], _ name: String) throws(BackupError) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write to", path: name, errno: errno)
            }
            done += count
        }
    }

    static func receive(_ socket: Int32, _ length: Int, _ name: String) throws(BackupError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let count = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + done, length - done, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read from", path: name, errno: errno)
            }
            if count == 0 { throw .truncated("\(name) closed the connection") }
            done += count
        }
        return bytes
    }
}
