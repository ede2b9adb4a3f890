#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// What can go wrong while writing or reading a backup archive. Messages name the archive
/// part involved, so a task log says what is broken, not just that something is.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    /// The archive is not one (wrong magic, version) or breaks the format's rules.
    case invalidArchive(String)
    /// The stream ended inside a header or an extent.
    case truncated(String)
    case checksumMismatch(String)
    /// A compressor, decompressor or tar failed.
    case tool(String)
    /// The caller asked for something the format cannot hold (a config over 64 KiB, ...).
    case unsupported(String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let errno):
            return "unable to \(operation) '\(path)' - \(String(cString: strerror(errno)))"
        case .invalidArchive(let text): return "invalid archive - \(text)"
        case .truncated(let text): return "archive truncated - \(text)"
        case .checksumMismatch(let text): return "archive corrupted - \(text)"
        case .tool(let text): return text
        case .unsupported(let text): return text
        }
    }

    static func command(_ error: CommandError) -> BackupError { .tool(error.description) }
}
