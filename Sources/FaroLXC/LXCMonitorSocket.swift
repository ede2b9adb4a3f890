import Foundation

/// The command socket of a container's lxc monitor: the abstract unix socket
/// `@<lxcpath>/<name>/command` that `lxc-info`, `lxc-stop` and `lxc-attach` talk to. Asking it
/// directly answers "is it running, with which init" without starting a program.
///
/// One connection per command: a 16-byte request (command number, data length, a pointer-sized
/// data field, all native-endian) and a 16-byte answer of the same shape (status, data length,
/// data). The monitor answers from its main loop, so a container that is still starting answers
/// once it runs or has failed.
struct LXCMonitorSocket: Sendable {
    enum Command: Int32 {
        case state = 3
        case initPID = 4
    }

    /// lxc's container states, as the state command returns them.
    enum State: Int64, CaseIterable {
        case stopped = 0, starting, running, stopping, aborting, freezing, frozen, thawed

        /// The state as `lxc-info` prints it (`RUNNING`, `FROZEN`, ...).
        init?(lxcInfoName name: Substring) {
            guard let state = Self.allCases.first(where: { "\($0)".uppercased() == name }) else { return nil }
            self = state
        }

        /// A frozen container still runs, as Proxmox reports it.
        var isRunning: Bool { [.running, .freezing, .frozen, .thawed].contains(self) }
    }

    enum Answer: Equatable {
        /// No monitor listens under the name: nothing runs.
        case notListening
        /// The monitor closed the connection without answering (it was ending).
        case closed
        /// It did not answer within the timeout (a start or stop still in progress).
        case timedOut
        case value(Int64)
    }

    /// The abstract name without its leading NUL.
    let name: String
    var timeout: Duration = .seconds(2)

    /// The name lxc gives the socket; nil where lxc would hash it instead (a name too long for
    /// `sun_path`).
    init?(lxcPath: String, container: String) {
        let name = "\(lxcPath)/\(container)/command"
        guard name.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 else { return nil }
        self.name = name
    }

    init(name: String, timeout: Duration = .seconds(2)) {
        self.name = name
        self.timeout = timeout
    }

    /// The container's state, or nil when the monitor did not say (it ended or is busy).
    func state() async throws -> State? {
        switch try await ask(.state) {
        case .notListening, .closed: return .stopped
        case .timedOut: return nil
        case .value(let value): return State(rawValue: value)
        }
    }

    /// The host pid of the container's init.
    func initPID() async throws -> Int? {
        guard case .value(let pid) = try await ask(.initPID), pid > 0 else { return nil }
        return Int(pid)
    }

    /// Sends one command on a thread outside Swift's cooperative pool, since the monitor may
    /// take until the end of a start to answer.
    func ask(_ command: Command) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try askBlocking(command) }) }
        }
    }

    func askBlocking(_ command: Command) throws -> Answer {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("cannot create a unix socket", errno) }
        defer { close(fd) }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0  // the abstract namespace
            path.baseAddress!.advanced(by: 1).copyMemory(from: bytes, byteCount: bytes.count)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + bytes.count)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        if connected != 0 {
            if errno == ECONNREFUSED || errno == ENOENT { return .notListening }
            throw failure("cannot reach the lxc monitor at @\(name)", errno)
        }

        var request = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: command.rawValue) { request.replaceSubrange(0..<4, with: $0) }
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            if errno == EAGAIN || errno == EWOULDBLOCK { return .timedOut }
            if errno == EPIPE || errno == ECONNRESET { return .closed }
            throw failure("cannot send to the lxc monitor at @\(name)", errno)
        }
        var answer = [UInt8](repeating: 0, count: 16)
        var received = 0
        while received < answer.count {
            let count = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, $0.count - received, 0) }
            if count == 0 { return .closed }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .timedOut }
                if errno == ECONNRESET { return .closed }
                throw failure("cannot read from the lxc monitor at @\(name)", errno)
            }
            received += count
        }
        let status = answer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: Int32.self) }
        guard status >= 0 else {
            throw failure("the lxc monitor at @\(name) refused command \(command.rawValue)", -status)
        }
        return .value(answer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int64.self) })
    }

    private func failure(_ what: String, _ code: Int32) -> LXCError {
        LXCError.failed("\(what): \(String(cString: strerror(code)))")
    }
}
