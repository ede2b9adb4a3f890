/// Reads a VMA archive as a stream, checking what Proxmox's reader checks: the header and
/// extent checksums, the uuid of every extent, block counts, cluster ranges, no cluster twice,
/// and at the end, no cluster missing. Memory stays at one extent. Used from one thread.
public final class VMAReader {
    /// One cluster as the archive holds it: the stored (non-zero) blocks, in increasing
    /// block order, packed; `mask` bit j says block j is among them.
    public struct Cluster {
        public let device: VMAHeader.Device
        public let number: UInt64
        public let mask: UInt16
        public let blocks: UnsafeRawBufferPointer
    }

    public let header: VMAHeader
    private let source: any ByteSource
    private var seen: [Int: ClusterBitmap] = [:]
    private var nextStateCluster: [Int: UInt64] = [:]
    private var extent: [UInt8]
    private var extentCount = 0

    /// Reads and checks the header; the extents follow through `readClusters`.
    public init(source: any ByteSource) throws(BackupError) {
        self.source = source
        header = try VMAHeader.read(from: source)
        for device in header.devices {
            if device.name == "vmstate" { nextStateCluster[device.id] = 0 }
            seen[device.id] = ClusterBitmap(count: VMAFormat.clusterCount(size: device.size))
        }
        extent = [UInt8](repeating: 0, count: VMAFormat.extentHeaderSize + VMAFormat.slotsPerExtent * VMAFormat.clusterSize)
    }

    /// Hands every cluster to `visit` in archive order, then fails if a disk's cluster never
    /// came (a `vmstate` stream is exempt, as in Proxmox's reader).
    public func readClusters(_ visit: (Cluster) throws(BackupError) -> Void) throws(BackupError) {
        while try readExtent(visit) {}
        for device in header.devices where device.name != "vmstate" {
            if let missing = seen[device.id]!.firstMissing {
                throw .truncated("missing cluster \(missing) of device '\(device.name)' (the archive ended early)")
            }
        }
    }

    /// Reads one extent; false at the end of the stream.
    private func readExtent(_ visit: (Cluster) throws(BackupError) -> Void) throws(BackupError) -> Bool {
        let headerSize = VMAFormat.extentHeaderSize
        let count = try source.read(into: &extent, 0..<headerSize)
        if count == 0 { return false }
        extentCount += 1
        guard count == headerSize else { throw .truncated("extent \(extentCount) header is incomplete (\(count) bytes)") }
        guard Array(extent[0..<4]) == VMAFormat.extentMagic else {
            throw .invalidArchive("extent \(extentCount) has a bad magic")
        }
        let digest = extent.withUnsafeBytes {
            VMAFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<headerSize]), checksumOffset: 24)
        }
        guard digest == Array(extent[24..<40]) else { throw .checksumMismatch("extent \(extentCount) checksum mismatch") }
        guard extent.bigEndian(UInt16.self, at: 4) == 0 else { throw .invalidArchive("extent \(extentCount) reserved field is not 0") }
        guard Array(extent[8..<24]) == header.uuid else { throw .invalidArchive("extent \(extentCount) belongs to another archive (uuid)") }
        let blockCount = Int(extent.bigEndian(UInt16.self, at: 6))
        var slots: [(VMAHeader.Device, UInt64, UInt16)] = []
        var counted = 0
        for slot in 0..<VMAFormat.slotsPerExtent {
            let info = extent.bigEndian(UInt64.self, at: 40 + slot * 8)
            let id = Int(info >> 32 & 0xFF)
            guard id != 0 else { continue }
            let cluster = info & 0xFFFF_FFFF, mask = UInt16(info >> 48)
            try slots.append((check(device: id, cluster: cluster, mask: mask), cluster, mask))
            counted += mask.nonzeroBitCount
        }
        guard counted == blockCount else {
            throw .invalidArchive("extent \(extentCount) says \(blockCount) blocks, its clusters hold \(counted)")
        }
        let dataSize = blockCount * VMAFormat.blockSize
        let read = try source.read(into: &extent, headerSize..<(headerSize + dataSize))
        guard read == dataSize else { throw .truncated("extent \(extentCount) data is incomplete (\(read) of \(dataSize) bytes)") }
        var offset = headerSize
        var outcome: Result<Void, BackupError> = .success(())
        extent.withUnsafeBytes { raw in
            outcome = Result { () throws(BackupError) in
                for (device, cluster, mask) in slots {
                    let size = mask.nonzeroBitCount * VMAFormat.blockSize
                    try visit(Cluster(device: device, number: cluster, mask: mask,
                                      blocks: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + size)])))
                    offset += size
                }
            }
        }
        try outcome.get()
        return true
    }

    private func check(device id: Int, cluster: UInt64, mask: UInt16) throws(BackupError) -> VMAHeader.Device {
        guard let device = header.device(id: id) else { throw .invalidArchive("extent \(extentCount) names unknown device \(id)") }
        guard cluster < VMAFormat.clusterCount(size: device.size) else {
            throw .invalidArchive("cluster \(cluster) is beyond the end of device '\(device.name)'")
        }
        if mask != 0 {
            let lastBlock = UInt64(15 - mask.leadingZeroBitCount)
            guard cluster * UInt64(VMAFormat.clusterSize) + lastBlock * UInt64(VMAFormat.blockSize) < device.size else {
                throw .invalidArchive("cluster \(cluster) of '\(device.name)' stores a block beyond the device end")
            }
        }
        if let next = nextStateCluster[id] {
            guard cluster == next else { throw .invalidArchive("vmstate cluster \(cluster) out of order (expected \(next))") }
            nextStateCluster[id] = next + 1
        }
        guard seen[id]!.insert(cluster) else { throw .invalidArchive("cluster \(cluster) of '\(device.name)' appears twice") }
        return device
    }
}
