#if canImport(Glibc)
import Glibc
#endif
import FaroSupport
import Synchronization

/// The log a worker writes to. Lines go straight to the task's log file, so a reader polling
/// `/log` sees them as they happen. Warnings are counted for the `WARNINGS: n` exit status.
public final class TaskLog: Sendable {
    public let path: String
    private let state: Mutex<(fd: Int32, warnings: Int)>

    init(path: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw FileError("create", path: path, errno: errno) }
        self.path = path
        self.state = Mutex((fd, 0))
    }

    deinit {
        state.withLock { if $0.fd >= 0 { Glibc.close($0.fd) } }
    }

    /// Appends one line (several lines if the text contains newlines).
    public func log(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        state.withLock { state in
            guard state.fd >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(state.fd, $0.baseAddress! + offset, $0.count - offset) }
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Logs `WARN: <text>` and counts it.
    public func warn(_ text: String) {
        state.withLock { $0.warnings += 1 }
        log("WARN: " + text)
    }

    public var warnings: Int { state.withLock { $0.warnings } }

    func close() {
        state.withLock { state in
            if state.fd >= 0 { Glibc.close(state.fd) }
            state.fd = -1
        }
    }
}
