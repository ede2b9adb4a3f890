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

    /// Linux's ioctls for /dev/ptmx (`_IOR('T', 0x30, int)`, `_IOW('T', 0x31, int)`), which the
    /// Glibc module does not export, nor posix_openpt and unlockpt, which wrap them.
    static let getNumber: UInt = 0x8004_5430
    static let setLock: UInt = 0x4004_5431

    /// Opens a new pair set to `size`.
    public static func open(size: TerminalSize = .standard) throws(PseudoTerminalError) -> PseudoTerminal {
        let primary = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard primary >= 0 else { throw .system("open /dev/ptmx", errno) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard withUnsafeMutablePointer(to: &unlock, { ioctl(primary, setLock, $0) }) == 0,
            withUnsafeMutablePointer(to: &number, { ioctl(primary, getNumber, $0) }) == 0
        else {
            let code = errno
            close(primary)
            throw .system("unlock /dev/ptmx", code)
        }
        let path = "/dev/pts/\(number)"
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
