/// Builds an uncompressed cpio archive in the "newc" format, which is what the Linux kernel
/// unpacks as an initramfs. Every entry is owned by root with time 0, so the same content
/// always gives the same bytes (the test guest cache is keyed on them).
public struct CPIOArchive: Sendable {
    private var bytes: [UInt8] = []
    private var inode = 1

    public init() {}

    public mutating func addDirectory(_ path: String, mode: UInt32 = 0o755) {
        add(path, mode: 0o040000 | mode, data: [])
    }

    public mutating func addFile(_ path: String, _ data: [UInt8], mode: UInt32 = 0o644) {
        add(path, mode: 0o100000 | mode, data: data)
    }

    public mutating func addSymlink(_ path: String, target: String) {
        add(path, mode: 0o120777, data: Array(target.utf8))
    }

    /// A character device node, such as `/dev/console` (5, 1).
    public mutating func addCharacterDevice(_ path: String, major: UInt32, minor: UInt32, mode: UInt32 = 0o600) {
        add(path, mode: 0o020000 | mode, data: [], deviceMajor: major, deviceMinor: minor)
    }

    /// The archive with its `TRAILER!!!` entry.
    public func finished() -> [UInt8] {
        var copy = self
        copy.add("TRAILER!!!", mode: 0, data: [], countsAsEntry: false)
        return copy.bytes
    }

    private mutating func add(
        _ path: String, mode: UInt32, data: [UInt8], deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0,
        countsAsEntry: Bool = true
    ) {
        let name = Array(path.drop(while: { $0 == "/" }).utf8) + [0]
        let fields: [UInt32] = [
            countsAsEntry ? UInt32(inode) : 0, mode, 0, 0, 1, 0, UInt32(data.count), 0, 0, deviceMajor, deviceMinor,
            UInt32(name.count), 0,
        ]
        if countsAsEntry { inode += 1 }
        bytes += Array("070701".utf8)
        for field in fields { bytes += Self.hex(field) }
        bytes += name
        pad()
        bytes += data
        pad()
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private static func hex(_ value: UInt32) -> [UInt8] {
        let digits = String(value, radix: 16, uppercase: true)
        return Array((String(repeating: "0", count: 8 - digits.count) + digits).utf8)
    }
}
