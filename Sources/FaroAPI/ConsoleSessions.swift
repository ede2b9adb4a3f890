import FaroModel

/// The consoles `vncproxy` and `termproxy` opened: each waits (40 s at most, the ticket's
/// life) for its websocket, then lives while that is connected. A console is known by its
/// port number (5900-5999), as in Proxmox, though no TCP port is opened: the websocket is
/// served on the API port and bridged to the VM's VNC Unix socket or to a program on a
/// pseudo-terminal.
public actor ConsoleSessions {
    public struct Console: Sendable {
        public enum Endpoint: Sendable, Hashable {
            /// A VM's VNC server, by its Unix socket.
            case vnc(socketPath: String)
            /// A program run on a pseudo-terminal once the client has authenticated (termproxy).
            case terminal(argv: [String])
        }

        public let port: Int
        /// The ACL path the console belongs to: `/vms/<vmid>` or `/nodes/<node>`.
        public let path: String
        public let user: UserID
        public let endpoint: Endpoint

        public var isTerminal: Bool {
            if case .terminal = endpoint { return true }
            return false
        }
    }

    enum State { case waiting, connected, closed }

    struct Entry {
        let console: Console
        var state: State
        var close: (@Sendable () -> Void)?
    }

    public static let ports = 5900...5999
    private var entries: [Int: Entry] = [:]

    public init() {}

    /// Reserves the lowest free port for a new console; nil when all are in use.
    func open(path: String, user: UserID, endpoint: Console.Endpoint) -> Console? {
        guard let port = Self.ports.first(where: { entries[$0] == nil }) else { return nil }
        let console = Console(port: port, path: path, user: user, endpoint: endpoint)
        entries[port] = Entry(console: console, state: .waiting)
        return console
    }

    /// Hands the waiting console on `port` to its websocket, once; a VNC websocket takes only
    /// a VNC console and a terminal websocket only a terminal.
    func claim(port: Int, path: String, user: UserID, terminal: Bool) -> Console? {
        guard var entry = entries[port], entry.state == .waiting, entry.console.path == path, entry.console.user == user,
            entry.console.isTerminal == terminal
        else { return nil }
        entry.state = .connected
        entries[port] = entry
        return entry.console
    }

    /// How the bridge is closed when the console task ends first (aborted).
    func onClose(port: Int, _ close: @escaping @Sendable () -> Void) {
        entries[port]?.close = close
    }

    /// The websocket is gone.
    func disconnected(port: Int) {
        entries[port]?.state = .closed
    }

    func state(port: Int) -> State? { entries[port]?.state }

    /// Forgets the console and closes its bridge if it still runs.
    func remove(port: Int) {
        entries.removeValue(forKey: port)?.close?()
    }

    /// The console task: fails when no websocket comes in time, ends when it disconnects.
    func follow(port: Int, connectTimeout: Duration = .seconds(40)) async throws {
        defer { remove(port: port) }
        let deadline = ContinuousClock.now + connectTimeout
        while state(port: port) == .waiting {
            if ContinuousClock.now > deadline { throw APIError.failed("connection timed out") }
            try await Task.sleep(for: .milliseconds(100))
        }
        while state(port: port) == .connected { try await Task.sleep(for: .milliseconds(250)) }
    }
}
