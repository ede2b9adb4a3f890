import FaroSupport

/// vzdump's `compress` choices, with the tools Proxmox pipes through (facts §2.1).
public enum BackupCompression: String, Sendable, CaseIterable {
    case none, lzo, gzip, zstd

    /// From the `compress` parameter: `0`, `1` (= lzo), `gzip`, `lzo`, `zstd`.
    public init?(parameter: String) {
        switch parameter {
        case "0": self = .none
        case "1", "lzo": self = .lzo
        case "gzip": self = .gzip
        case "zstd": self = .zstd
        default: return nil
        }
    }

    /// From an archive's file name (`….vma.zst`, `….tar.gz`, `….tgz`); nil for a suffix Faro
    /// cannot decompress.
    public init?(fileName: String) {
        if fileName.hasSuffix(".zst") { self = .zstd }
        else if fileName.hasSuffix(".gz") || fileName.hasSuffix(".tgz") { self = .gzip }
        else if fileName.hasSuffix(".lzo") { self = .lzo }
        else if fileName.hasSuffix(".vma") || fileName.hasSuffix(".tar") { self = .none }
        else { return nil }
    }

    /// The file name suffix after `.vma`/`.tar`.
    public var suffix: String {
        switch self {
        case .none: return ""
        case .lzo: return ".lzo"
        case .gzip: return ".gz"
        case .zstd: return ".zst"
        }
    }

    /// The filter that compresses standard input to standard output; nil for `none`.
    public func compressor(zstdThreads: Int = 1) -> Command? {
        switch self {
        case .none: return nil
        case .lzo: return Command("lzop", ["-c"])
        case .gzip: return Command("gzip", ["--rsyncable", "-c"])
        case .zstd: return Command("zstd", ["-q", "--threads=\(zstdThreads)", "-c"])
        }
    }

    /// The filter that decompresses standard input to standard output; nil for `none`.
    public var decompressor: Command? {
        switch self {
        case .none: return nil
        case .lzo: return Command("lzop", ["-d", "-c"])
        case .gzip: return Command("gzip", ["-d", "-c"])
        case .zstd: return Command("zstd", ["-q", "-d", "-c"])
        }
    }
}
