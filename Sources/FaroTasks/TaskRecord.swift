import FaroModel

/// How a task ended, in the words the API and the log use.
public enum TaskExit: Sendable, Equatable {
    case ok
    case warnings(Int)
    case error(String)

    /// `OK`, `WARNINGS: n` or the error text.
    public var statusText: String {
        switch self {
        case .ok: return "OK"
        case .warnings(let count): return "WARNINGS: \(count)"
        case .error(let message): return message
        }
    }

    /// The log's last line.
    public var logLine: String {
        switch self {
        case .ok: return "TASK OK"
        case .warnings(let count): return "TASK WARNINGS: \(count)"
        case .error(let message): return "TASK ERROR: \(message)"
        }
    }

    public var isSuccess: Bool {
        switch self {
        case .ok, .warnings: return true
        case .error: return false
        }
    }
}

/// A task as the lists show it; `endTime`/`status` stay nil while it runs.
public struct TaskRecord: Sendable, Equatable {
    public let upid: UPID
    public var endTime: Int?
    public var status: String?

    public init(upid: UPID, endTime: Int? = nil, status: String? = nil) {
        self.upid = upid
        self.endTime = endTime
        self.status = status
    }

    public var isRunning: Bool { endTime == nil }

    /// Proxmox's normalised status type: ok, warning, error, or unknown while running.
    public var statusType: String {
        guard let status else { return "unknown" }
        if status == "OK" { return "ok" }
        if status.hasPrefix("WARNINGS") { return "warning" }
        return "error"
    }

    /// A line of the `index` file: `<UPID> <ENDTIME %08X> <status>`.
    var indexLine: String { "\(upid) \(Self.hex(endTime ?? 0)) \(status ?? "")" }

    /// A line of the `active` file: `<UPID> 1` while running, else with end time and status.
    var activeLine: String {
        guard let endTime, let status else { return "\(upid) 1" }
        return "\(upid) 1 \(Self.hex(endTime)) \(status)"
    }

    static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    static func parseIndexLine(_ line: Substring) -> TaskRecord? {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let upid = UPID(String(parts[0])), let end = Int(parts[1], radix: 16) else { return nil }
        return TaskRecord(upid: upid, endTime: end, status: parts.count == 3 ? String(parts[2]) : "unexpected status")
    }

    static func parseActiveLine(_ line: Substring) -> TaskRecord? {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 2, let upid = UPID(String(parts[0])) else { return nil }
        if parts.count >= 4, let end = Int(parts[2], radix: 16) {
            return TaskRecord(upid: upid, endTime: end, status: String(parts[3]))
        }
        return TaskRecord(upid: upid)
    }
}
