import Crypto

/// The numbers of Proxmox's VMA format (`pve-backup-facts.md` §1): a header, then extents of
/// up to 59 clusters of 64 KiB, each cluster stored as its non-zero 4 KiB blocks.
public enum VMAFormat {
    public static let blockSize = 4096
    public static let clusterSize = 65536
    public static let blocksPerCluster = 16
    public static let fixedHeaderSize = 12288
    public static let extentHeaderSize = 512
    /// Slots an extent header has room for; Proxmox's writer fills 58, readers accept 59.
    public static let slotsPerExtent = 59
    public static let slotsWritten = 58
    public static let maxDeviceID = 254
    public static let maxBlobLength = 65535
    /// The largest header a reader accepts: Proxmox's writer refuses anything over 8 × 64 KiB of
    /// blob table, so a bigger one is garbage, not worth allocating for.
    public static let maxHeaderSize = fixedHeaderSize + 8 * 65536
    static let magic: [UInt8] = [0x56, 0x4D, 0x41, 0x00]
    static let extentMagic: [UInt8] = [0x56, 0x4D, 0x41, 0x45]
    static let version: UInt32 = 1

    /// MD5 of `bytes` with the 16 checksum bytes at `checksumOffset` counted as zeros.
    static func checksum(_ bytes: UnsafeRawBufferPointer, checksumOffset: Int) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[0..<checksumOffset]))
        md5.update(data: [UInt8](repeating: 0, count: 16))
        md5.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[(checksumOffset + 16)...]))
        return Array(md5.finalize())
    }

    /// Number of clusters a device of `size` bytes has.
    public static func clusterCount(size: UInt64) -> UInt64 { (size + UInt64(clusterSize) - 1) / UInt64(clusterSize) }
}

/// Big-endian integers in and out of byte arrays; VMA uses them everywhere except for the blob
/// length prefixes, which are little-endian.
extension Array where Element == UInt8 {
    mutating func putBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<MemoryLayout<T>.size {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (MemoryLayout<T>.size - 1 - index)))
        }
    }

    func bigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value = value << 8 | T(self[offset + index]) }
        return value
    }
}
