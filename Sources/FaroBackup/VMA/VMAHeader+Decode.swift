extension VMAHeader {
    /// Reads and checks the header at the start of `source`, leaving the source at the first
    /// extent. A wrong magic, version or checksum, or a stream that ends inside the header, is
    /// an error that says which.
    public static func read(from source: any ByteSource) throws(BackupError) -> VMAHeader {
        var header = [UInt8](repeating: 0, count: VMAFormat.fixedHeaderSize)
        let count = try source.read(into: &header, 0..<header.count)
        guard count >= 8 else {
            if count >= 4 && Array(header[0..<4]) != VMAFormat.magic { throw .invalidArchive("not a VMA file (bad magic)") }
            throw .truncated("the VMA header is incomplete (\(count) bytes)")
        }
        guard Array(header[0..<4]) == VMAFormat.magic else { throw .invalidArchive("not a VMA file (bad magic)") }
        let version = header.bigEndian(UInt32.self, at: 4)
        guard version == VMAFormat.version else { throw .invalidArchive("unsupported VMA version \(version)") }
        guard count == VMAFormat.fixedHeaderSize else { throw .truncated("the VMA header is incomplete (\(count) bytes)") }
        let size = Int(header.bigEndian(UInt32.self, at: 56))
        guard size > VMAFormat.fixedHeaderSize, size <= VMAFormat.maxHeaderSize else {
            throw .invalidArchive("VMA header size \(size) out of range")
        }
        var rest = [UInt8](repeating: 0, count: size - VMAFormat.fixedHeaderSize)
        let restCount = try source.read(into: &rest, 0..<rest.count)
        guard restCount == rest.count else {
            throw .truncated("the VMA header is incomplete (\(VMAFormat.fixedHeaderSize + restCount) of \(size) bytes)")
        }
        header += rest
        return try decode(header)
    }

    /// Parses a complete header (`header_size` bytes) after checking its MD5.
    public static func decode(_ header: [UInt8]) throws(BackupError) -> VMAHeader {
        let stored = Array(header[32..<48])
        guard header.withUnsafeBytes({ VMAFormat.checksum($0, checksumOffset: 32) }) == stored else {
            throw .checksumMismatch("VMA header checksum mismatch")
        }
        let blobOffset = Int(header.bigEndian(UInt32.self, at: 48))
        let blobSize = Int(header.bigEndian(UInt32.self, at: 52))
        guard blobOffset >= VMAFormat.fixedHeaderSize, blobOffset + blobSize <= header.count else {
            throw .invalidArchive("VMA blob buffer (offset \(blobOffset), size \(blobSize)) outside the header")
        }
        let blobs = Blobs(Array(header[blobOffset..<(blobOffset + blobSize)]))
        var configs: [ConfigFile] = []
        for slot in 0..<256 {
            let namePointer = header.bigEndian(UInt32.self, at: 2044 + slot * 4)
            let dataPointer = header.bigEndian(UInt32.self, at: 3068 + slot * 4)
            guard namePointer != 0, dataPointer != 0 else { continue }
            guard let name = blobs.string(at: namePointer), let data = blobs.blob(at: dataPointer) else {
                throw .invalidArchive("VMA config slot \(slot) points outside the blob buffer")
            }
            configs.append(ConfigFile(name: name, data: data))
        }
        var devices: [Device] = []
        for id in 1...255 {
            let entry = 4096 + id * 32
            let size = header.bigEndian(UInt64.self, at: entry + 8)
            let namePointer = header.bigEndian(UInt32.self, at: entry)
            guard size > 0, namePointer != 0 else { continue }
            guard let name = blobs.string(at: namePointer) else {
                throw .invalidArchive("VMA device \(id) has no valid name")
            }
            devices.append(Device(id: id, name: name, size: size))
        }
        return VMAHeader(uuid: Array(header[8..<24]), ctime: header.bigEndian(Int64.self, at: 24), configs: configs, devices: devices)
    }
}

/// The blob buffer, indexed the way Proxmox's reader does: every complete blob from offset 1
/// on, by the offset of its little-endian length prefix.
struct Blobs {
    private var ranges: [UInt32: Range<Int>] = [:]
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var offset = 1
        while offset + 2 <= bytes.count {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            guard offset + 2 + length <= bytes.count else { break }
            ranges[UInt32(offset)] = (offset + 2)..<(offset + 2 + length)
            offset += 2 + length
        }
    }

    func blob(at pointer: UInt32) -> [UInt8]? { ranges[pointer].map { Array(bytes[$0]) } }

    /// A NUL-terminated UTF-8 string blob, without its NUL.
    func string(at pointer: UInt32) -> String? {
        guard let blob = blob(at: pointer), blob.last == 0 else { return nil }
        return String(validating: blob.dropLast(), as: UTF8.self)
    }
}
