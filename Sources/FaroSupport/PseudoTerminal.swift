#if canImport(Glibc)
import Glibc
#endif

/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Hashable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    public static let standard = TerminalSize(columns: 80, rows: 24)
}

/// A pseudo-terminal pair: the program gets the secondary side as its terminal, the daemon
/// reads and writes the primary side. Both descriptors are close-on-exec, so no other child
/// inherits them.
public struct PseudoTerminal: Sendable {
    /// The primary (controlling) side, which the daemon keeps.
    public let primary: Int32
    /// The secondary side, the program's terminal.
    public let secondary: Int32
    public let secondaryPath: String

    /// Opens a new pair set to `size`.
    public static func open(size: TerminalSize = .standard) throws(PseudoTerminalError) -> PseudoTerminal {
        let primary = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard primary >= 0 else { throw .system("posix_openpt", errno) }
        var name = [CChar](repeating: 0, count: 128)
        guard grantpt(primary) == 0, unlockpt(primary) == 0, ptsname_r(primary, &name, name.count) == 0 else {
            let code = errno
            close(primary)
            throw .system("unlockpt", code)
        }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let secondary = Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard secondary >= 0 else {
            let code = errno
            close(primary)
            throw .system("open \(path)", code)
        }
        let terminal = PseudoTerminal(primary: primary, secondary: secondary, secondaryPath: path)
        terminal.resize(size)
        return terminal
    }

    /// Tells the terminal (and so the program, with SIGWINCH) its new size.
    @discardableResult
    public func resize(_ size: TerminalSize) -> Bool {
        Self.resize(primary, size)
    }

    /// Resizes through a primary descriptor that something else (an event loop) now owns.
    @discardableResult
    public static func resize(_ primary: Int32, _ size: TerminalSize) -> Bool {
        var window = winsize(
            ws_row: UInt16(clamping: size.rows), ws_col: UInt16(clamping: size.columns), ws_xpixel: 0, ws_ypixel: 0)
        return withUnsafeMutablePointer(to: &window) { ioctl(primary, UInt(TIOCSWINSZ), $0) } == 0
    }

    /// The size the terminal has now.
    public static func size(_ descriptor: Int32) -> TerminalSize? {
        var window = winsize()
        guard withUnsafeMutablePointer(to: &window, { ioctl(descriptor, UInt(TIOCGWINSZ), $0) }) == 0 else { return nil }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }
}

public enum PseudoTerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    case system(String, Int32)

    public var description: String {
        switch self {
        case .system(let call, let code): return "unable to open a pseudo-terminal: \(call): \(String(cString: strerror(code)))"
        }
    }
}
