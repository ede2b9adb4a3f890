#if canImport(Glibc)
import Glibc
#endif

/// Writes a VMA archive as a stream: clusters go out in extents of 58 as they arrive, all-zero
/// 4 KiB blocks are left out, and the header goes out with the first extent. Memory stays at
/// one extent (under 4 MiB) whatever the disk size. Used from one thread.
public final class VMAWriter {
    private let sink: any ByteSink
    private let header: VMAHeader
    private var headerWritten = false
    private var extent: [UInt8]
    private var slotCount = 0
    private var blockCount = 0
    private var seen: [Int: ClusterBitmap] = [:]
    private let sizes: [Int: UInt64]
    /// Bytes of all-zero blocks left out so far (Proxmox logs this as "backup is sparse").
    public private(set) var zeroBytes: Int64 = 0
    /// Device bytes taken in so far.
    public private(set) var bytesIn: Int64 = 0

    private static let zeroBlock = [UInt8](repeating: 0, count: VMAFormat.blockSize)
    private static let dataStart = VMAFormat.extentHeaderSize

    public init(header: VMAHeader, sink: any ByteSink) throws(BackupError) {
        guard Set(header.devices.map(\.id)).count == header.devices.count else {
            throw .unsupported("duplicate VMA device id")
        }
        _ = try header.encoded()
        self.header = header
        self.sink = sink
        sizes = Dictionary(uniqueKeysWithValues: header.devices.map { ($0.id, $0.size) })
        for device in header.devices { seen[device.id] = ClusterBitmap(count: VMAFormat.clusterCount(size: device.size)) }
        extent = [UInt8](repeating: 0, count: Self.dataStart + VMAFormat.slotsWritten * VMAFormat.clusterSize)
    }

    /// Adds cluster `cluster` of device `id`. `bytes` holds its data (64 KiB, or less for
    /// the last cluster of a device; bytes beyond the device's end are ignored).
    public func writeCluster(device id: Int, cluster: UInt64, bytes: UnsafeRawBufferPointer) throws(BackupError) {
        guard let size = sizes[id] else { throw .invalidArchive("no VMA device \(id)") }
        guard cluster < VMAFormat.clusterCount(size: size) else {
            throw .invalidArchive("cluster \(cluster) is beyond the end of device \(id)")
        }
        guard seen[id]!.insert(cluster) else { throw .invalidArchive("cluster \(cluster) of device \(id) written twice") }
        let start = cluster * UInt64(VMAFormat.clusterSize)
        let length = Int(min(UInt64(VMAFormat.clusterSize), size - start, UInt64(bytes.count)))
        bytesIn += Int64(min(UInt64(VMAFormat.clusterSize), size - start))
        var mask: UInt16 = 0
        extent.withUnsafeMutableBytes { buffer in
            for block in 0..<VMAFormat.blocksPerCluster {
                let offset = block * VMAFormat.blockSize
                guard offset < length else { break }
                let count = min(VMAFormat.blockSize, length - offset)
                let source = bytes.baseAddress! + offset
                if count == VMAFormat.blockSize && Self.zeroBlock.withUnsafeBytes({ memcmp(source, $0.baseAddress!, count) }) == 0 {
                    continue
                }
                if count < VMAFormat.blockSize && UnsafeRawBufferPointer(start: source, count: count).allSatisfy({ $0 == 0 }) {
                    continue
                }
                let target = buffer.baseAddress! + Self.dataStart + blockCount * VMAFormat.blockSize
                target.copyMemory(from: source, byteCount: count)
                if count < VMAFormat.blockSize { memset(target + count, 0, VMAFormat.blockSize - count) }
                mask |= 1 << block
                blockCount += 1
            }
        }
        let stored = Int64(mask.nonzeroBitCount * VMAFormat.blockSize)
        zeroBytes += Int64(min(UInt64(VMAFormat.clusterSize), size - start)) - min(stored, Int64(size - start))
        let info = UInt64(mask) << 48 | UInt64(id) << 32 | cluster
        extent.putBigEndian(info, at: 40 + slotCount * 8)
        slotCount += 1
        if slotCount == VMAFormat.slotsWritten { try flush() }
    }

    /// Writes what is queued; checks that every cluster of every device was written. With no
    /// devices, the archive is the header and one empty extent, as Proxmox writes it.
    public func finish() throws(BackupError) {
        for device in header.devices {
            if let missing = seen[device.id]!.firstMissing {
                throw .invalidArchive("cluster \(missing) of device \(device.id) ('\(device.name)') was never written")
            }
        }
        if slotCount > 0 || !headerWritten { try flush() }
    }

    private func flush() throws(BackupError) {
        if !headerWritten {
            try sink.write(try header.encoded())
            headerWritten = true
        }
        extent.replaceSubrange(0..<4, with: VMAFormat.extentMagic)
        extent.putBigEndian(UInt16(0), at: 4)
        extent.putBigEndian(UInt16(blockCount), at: 6)
        extent.replaceSubrange(8..<24, with: header.uuid)
        for slot in slotCount..<VMAFormat.slotsPerExtent { extent.putBigEndian(UInt64(0), at: 40 + slot * 8) }
        let end = Self.dataStart + blockCount * VMAFormat.blockSize
        let digest = extent.withUnsafeBytes {
            VMAFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<VMAFormat.extentHeaderSize]), checksumOffset: 24)
        }
        extent.replaceSubrange(24..<40, with: digest)
        try sink.write(extent, 0..<end)
        slotCount = 0
        blockCount = 0
    }
}
