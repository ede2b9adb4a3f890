import Foundation
import FaroSupport

/// A guest's backup log: each line goes to the task log as `INFO: text` and to the per-guest
/// file with a local timestamp (`2026-01-01 10:00:00 INFO: text`), which is copied beside the
/// archive at the end, failed or not (facts §2.3).
final class GuestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private let task: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int

    init(task: @escaping @Sendable (String) -> Void, clock: @escaping @Sendable () -> Int) {
        self.task = task
        self.clock = clock
    }

    func info(_ text: String) { add("INFO", text) }
    func warn(_ text: String) { add("WARN", text) }
    func error(_ text: String) { add("ERROR", text) }

    private func add(_ level: String, _ text: String) {
        let stamp = LocalTime.format(clock(), "%Y-%m-%d %H:%M:%S")
        lock.withLock {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("\(stamp) \(level): \(line)")
                task("\(level): \(line)")
            }
        }
    }

    var text: String { lock.withLock { lines.map { $0 + "\n" }.joined() } }
}

/// strftime in the node's local time zone.
enum LocalTime {
    static func format(_ time: Int, _ pattern: String) -> String {
        var seconds = time_t(time)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Sizes and speeds the way vzdump prints them.
enum Figures {
    /// `2.50GB`, `512MB`, `12KB`: KB and MB as integers, GB and TB with two decimals, base 1024.
    static func archiveSize(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value >= 1024 * 1024 * 1024 * 1024 { return String(format: "%.2fTB", value / 1_099_511_627_776) }
        if value >= 1024 * 1024 * 1024 { return String(format: "%.2fGB", value / 1_073_741_824) }
        if value >= 1024 * 1024 { return "\(bytes / 1_048_576)MB" }
        return "\(bytes / 1024)KB"
    }

    /// `1.6 GiB`, `546.1 MiB`.
    static func binary(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes, unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `hh:mm:ss`.
    static func duration(_ seconds: Int) -> String {
        String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}
