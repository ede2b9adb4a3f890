#if canImport(Glibc)
    import Glibc
#endif

/// The host files a node's System settings change: `etc/resolv.conf`, `etc/hosts`,
/// `etc/timezone` and the `etc/localtime` link, always under the node's root, so a node
/// running under a temporary root never touches the host's `/etc`.
public struct NodeSystemFiles: Sendable {
    public let paths: NodePaths
    /// Where the compiled time zones live (`/usr/share/zoneinfo` on Debian).
    public let zoneinfoDirectory: String

    public init(paths: NodePaths, zoneinfoDirectory: String) {
        self.paths = paths
        self.zoneinfoDirectory = zoneinfoDirectory
    }

    public var resolvConf: String { paths.path("etc/resolv.conf") }
    public var hosts: String { paths.path("etc/hosts") }
    public var timezoneFile: String { paths.path("etc/timezone") }
    public var localtime: String { paths.path("etc/localtime") }

    /// The file's bytes; an absent file reads as empty.
    public func read(_ path: String) throws(FileError) -> [UInt8] {
        do {
            return try FileIO.read(path)
        } catch  where error.isNotFound {
            return []
        }
    }

    public func write(_ path: String, _ bytes: [UInt8]) throws(FileError) {
        try FileIO.makeDirectory(paths.path("etc"))
        try FileIO.writeAtomically(path, bytes)
    }

    /// `etc/timezone`, else the zone `etc/localtime` links to, else UTC.
    public func timezone() -> String {
        if let text = try? FileIO.readTextIfExists(timezoneFile),
            let zone = text.split(separator: "\n").first.map(String.init), !zone.isEmpty
        {
            return zone
        }
        var buffer = [Int8](repeating: 0, count: 512)
        let count = readlink(localtime, &buffer, buffer.count - 1)
        if count > 0 {
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let range = target.firstRange(of: "zoneinfo/") { return String(target[range.upperBound...]) }
        }
        return "UTC"
    }

    /// A zone name is valid when it names a compiled zone file (`Europe/Madrid`, `UTC`).
    public func isKnownTimezone(_ zone: String) -> Bool {
        let parts = zone.split(separator: "/", omittingEmptySubsequences: false)
        guard !zone.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return false }
        guard let target = FileIO.realPath(zoneinfoDirectory + "/" + zone) else { return false }
        return FileStatus.of(target)?.kind == .file
    }

    /// Writes `etc/timezone` and points `etc/localtime` at the zone's file.
    public func setTimezone(_ zone: String) throws(FileError) {
        try write(timezoneFile, Array((zone + "\n").utf8))
        let temporary = localtime + ".new"
        unlink(temporary)
        guard symlink(zoneinfoDirectory + "/" + zone, temporary) == 0 else {
            throw FileError("symlink", path: temporary, errno: errno)
        }
        try FileIO.rename(temporary, to: localtime)
    }
}
