import FaroSupport

/// Builds an uncompressed tar archive (ustar headers) member by member, with names exactly as
/// given: `dev/mem`, `.//dev/mem`, `/dev/mem` and `a/../x` are written as spelled, so tests can
/// hand the template code archives that `tar --create` would never make. Members have time 0;
/// names and link targets must fit in 100 bytes.
public struct TarArchive: Sendable {
    private var bytes: [UInt8] = []
    /// uid and gid of the members added from now on.
    public var owner: UInt32

    public init(owner: UInt32 = 0) {
        self.owner = owner
    }

    public mutating func addDirectory(_ name: String, mode: UInt32 = 0o755) {
        add(name, type: "5", mode: mode)
    }

    public mutating func addFile(_ name: String, _ text: String, mode: UInt32 = 0o644) {
        add(name, type: "0", mode: mode, data: Array(text.utf8))
    }

    public mutating func addSymlink(_ name: String, target: String) {
        add(name, type: "2", mode: 0o777, link: target)
    }

    /// A hard link to the earlier member `target`.
    public mutating func addHardLink(_ name: String, target: String) {
        add(name, type: "1", mode: 0o644, link: target)
    }

    /// A character device node, `/dev/mem` (1, 1) unless told otherwise.
    public mutating func addCharacterDevice(_ name: String, major: UInt32 = 1, minor: UInt32 = 1, mode: UInt32 = 0o666)
    {
        add(name, type: "3", mode: mode, major: major, minor: minor)
    }

    /// A block device node, `/dev/sda` (8, 0) unless told otherwise.
    public mutating func addBlockDevice(_ name: String, major: UInt32 = 8, minor: UInt32 = 0, mode: UInt32 = 0o660) {
        add(name, type: "4", mode: mode, major: major, minor: minor)
    }

    public mutating func addFIFO(_ name: String, mode: UInt32 = 0o644) {
        add(name, type: "6", mode: mode)
    }

    /// The archive with its two closing zero blocks.
    public func finished() -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: 1024)
    }

    /// Writes the archive gzip-compressed to `path` (which should end in `.tar.gz`).
    public func writeGzipped(to path: String, runner: any CommandRunner = SubprocessRunner()) async throws {
        let compressed = try await runner.run(Command("gzip", ["-n", "-c"], input: finished())).checked()
        try FileIO.writeAtomically(path, compressed.standardOutput)
    }

    private mutating func add(
        _ name: String, type: Character, mode: UInt32, data: [UInt8] = [], link: String = "", major: UInt32 = 0,
        minor: UInt32 = 0
    ) {
        precondition(name.utf8.count <= 100 && link.utf8.count <= 100, "name too long for a plain ustar header")
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: width - 1 - digits.count) + digits, at: offset)
        }
        put(name, at: 0)
        octal(UInt64(mode), at: 100, width: 8)
        octal(UInt64(owner), at: 108, width: 8)
        octal(UInt64(owner), at: 116, width: 8)
        octal(UInt64(data.count), at: 124, width: 12)
        octal(0, at: 136, width: 12)
        put(String(type), at: 156)
        put(link, at: 157)
        put("ustar", at: 257)
        put("00", at: 263)
        octal(UInt64(major), at: 329, width: 8)
        octal(UInt64(minor), at: 337, width: 8)
        put("        ", at: 148)
        let sum = header.reduce(0) { $0 + UInt64($1) }
        octal(sum, at: 148, width: 7)
        header[154] = 0
        bytes += header + data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }
}
