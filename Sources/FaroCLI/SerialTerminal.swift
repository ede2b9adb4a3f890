#if canImport(Glibc)
import Glibc
#endif

/// Copies bytes between this process's terminal and a VM's serial socket. On a terminal the
/// input is switched to raw mode (restored at the end), so keys such as Ctrl-C reach the
/// guest; the escape key ends the session, as does the end of input or the socket closing.
enum SerialTerminal {
    static func run(socketPath: String, escape: UInt8?, environment: CLIEnvironment) -> Int32 {
        let socket = connectUnix(socketPath)
        guard socket >= 0 else {
            environment.standardError("unable to connect to '\(socketPath)': \(String(cString: strerror(errno)))\n")
            return 255
        }
        defer { close(socket) }
        var saved = termios()
        let isTerminal = isatty(0) != 0 && tcgetattr(0, &saved) == 0
        if isTerminal {
            var raw = saved
            cfmakeraw(&raw)
            tcsetattr(0, TCSANOW, &raw)
        }
        defer { if isTerminal { tcsetattr(0, TCSANOW, &saved) } }
        pump(socket: socket, escape: escape)
        return 0
    }

    /// Until the escape key, end of input or a closed socket.
    static func pump(socket: Int32, escape: UInt8?) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 {
                let count = read(socket, &buffer, buffer.count)
                if count <= 0 { return }
                writeAll(1, buffer[0..<count])
            }
            if fds[0].revents != 0 {
                let count = read(0, &buffer, buffer.count)
                if count <= 0 { return }
                let input = buffer[0..<count]
                if let escape, let stop = input.firstIndex(of: escape) {
                    writeAll(socket, input[..<stop])
                    return
                }
                writeAll(socket, input)
            }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    static func connectUnix(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let fits = withUnsafeMutableBytes(of: &address.sun_path) { buffer -> Bool in
            guard path.utf8.count < buffer.count else { return false }
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            return true
        }
        let connected = fits && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
        if !connected {
            close(fd)
            return -1
        }
        return fd
    }
}
