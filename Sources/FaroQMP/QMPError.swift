/// What can go wrong talking to a QEMU monitor. Every case names the socket or the command.
public enum QMPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The socket could not be connected (no such file, refused, permissions).
    case connectFailed(socket: String, reason: String)
    /// Nothing, or something other than a QMP greeting, arrived first.
    case badGreeting(socket: String, line: String)
    case noGreeting(socket: String, after: Duration)
    /// QEMU answered the command with an `error` object.
    case commandFailed(command: String, errorClass: String, description: String)
    /// No reply arrived within the command's timeout.
    case timedOut(command: String, after: Duration)
    /// The monitor went away (QEMU exited, or the client was closed) before the reply came.
    case connectionClosed(socket: String, command: String?)
    /// The task waiting for the reply was cancelled.
    case cancelled(command: String)
    /// A reply arrived but did not have the shape the command returns.
    case unexpectedReply(command: String, reply: String)

    public var description: String {
        switch self {
        case .connectFailed(let socket, let reason): return "unable to connect to QMP socket '\(socket)' - \(reason)"
        case .badGreeting(let socket, let line): return "QMP socket '\(socket)' sent no greeting but '\(line.prefix(200))'"
        case .noGreeting(let socket, let after): return "QMP socket '\(socket)' sent no greeting within \(after)"
        case .commandFailed(let command, let errorClass, let description):
            return "QMP command '\(command)' failed - \(errorClass): \(description)"
        case .timedOut(let command, let after): return "QMP command '\(command)' got no reply within \(after)"
        case .connectionClosed(let socket, let command):
            return "QMP socket '\(socket)' closed" + (command.map { " while waiting for '\($0)'" } ?? "")
        case .cancelled(let command): return "QMP command '\(command)' was cancelled"
        case .unexpectedReply(let command, let reply): return "QMP command '\(command)' returned unexpected '\(reply.prefix(200))'"
        }
    }
}
