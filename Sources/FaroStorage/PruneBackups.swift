import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FaroModel

/// Retention settings (`prune-backups`): how many of the newest backups, and of the newest per
/// hour, day, ISO week, month and year, to keep. Nothing set above zero means keep all.
public struct PruneOptions: Sendable, Equatable {
    public var keepAll = false
    public var last = 0, hourly = 0, daily = 0, weekly = 0, monthly = 0, yearly = 0

    public init() {}

    public static let keys = ["keep-all", "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"]

    /// Parses `keep-last=3,keep-daily=7`; errors name the bad entry.
    public init(parsing text: String) throws(StorageError) {
        for item in text.split(separator: ",") where !item.isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, Self.keys.contains(pair[0]) else {
                throw .invalidOption("prune-backups", "invalid format - unknown key in '\(item)'")
            }
            if pair[0] == "keep-all" {
                guard let flag = ["0": false, "1": true][pair[1]] else {
                    throw .invalidOption("prune-backups", "keep-all: type check ('boolean') failed - got '\(pair[1])'")
                }
                keepAll = flag
                continue
            }
            guard let count = Int(pair[1]), count >= 0 else {
                throw .invalidOption("prune-backups", "\(pair[0]): type check ('integer') failed - got '\(pair[1])'")
            }
            switch pair[0] {
            case "keep-last": last = count
            case "keep-hourly": hourly = count
            case "keep-daily": daily = count
            case "keep-weekly": weekly = count
            case "keep-monthly": monthly = count
            default: yearly = count
            }
        }
        if keepAll, [last, hourly, daily, weekly, monthly, yearly].contains(where: { $0 > 0 }) {
            throw .invalidOption("prune-backups", "keep-all cannot be set together with other options.")
        }
    }

    /// True when nothing would ever be removed.
    public var keepsEverything: Bool { keepAll || [last, hourly, daily, weekly, monthly, yearly].allSatisfy { $0 == 0 } }
}

/// Marks for a backup in a prune run, as Proxmox names them.
public enum PruneMark: String, Sendable {
    case keep, remove, protected, renamed
}

/// One backup as pruning sees it.
public struct PruneCandidate: Sendable, Equatable {
    public var volid: String
    public var ctime: Int
    /// nil for a file without a standard name.
    public var group: String?
    public var isProtected: Bool

    public init(volid: String, ctime: Int, group: String?, isProtected: Bool) {
        self.volid = volid
        self.ctime = ctime
        self.group = group
        self.isProtected = isProtected
    }
}

public enum Pruner {
    /// Marks every candidate. Groups (`<type>/<vmid>`) are pruned apart; within one, the newest
    /// backups go through the rules last → hourly → daily → weekly → monthly → yearly, each
    /// keeping the newest backup of every new period until it has kept its count.
    public static func mark(_ candidates: [PruneCandidate], options: PruneOptions) -> [String: PruneMark] {
        var marks: [String: PruneMark] = [:]
        var groups: [String: [PruneCandidate]] = [:]
        for candidate in candidates {
            if candidate.group == nil {
                marks[candidate.volid] = .renamed
            } else if candidate.isProtected {
                marks[candidate.volid] = .protected
            } else {
                groups[candidate.group!, default: []].append(candidate)
            }
        }
        for (_, members) in groups {
            let sorted = members.sorted { $0.ctime > $1.ctime }
            if options.keepsEverything {
                for member in sorted { marks[member.volid] = .keep }
                continue
            }
            let rules: [(Int, (PruneCandidate) -> String)] = [
                (options.last, { $0.volid }), (options.hourly, { format($0.ctime, "%Y/%m/%d/%H") }),
                (options.daily, { format($0.ctime, "%Y/%m/%d") }), (options.weekly, { format($0.ctime, "%G/%V") }),
                (options.monthly, { format($0.ctime, "%Y/%m") }), (options.yearly, { format($0.ctime, "%Y") }),
            ]
            for (count, period) in rules where count > 0 {
                // Periods kept by an earlier rule are covered; within a period this rule keeps,
                // the older backups go.
                let covered = Set(sorted.filter { marks[$0.volid] == .keep }.map(period))
                var kept = Set<String>()
                for member in sorted where marks[member.volid] == nil {
                    let key = period(member)
                    if covered.contains(key) { continue }
                    if kept.contains(key) {
                        marks[member.volid] = .remove
                        continue
                    }
                    guard kept.count < count else { break }
                    kept.insert(key)
                    marks[member.volid] = .keep
                }
            }
            for member in sorted where marks[member.volid] == nil { marks[member.volid] = .remove }
        }
        return marks
    }

    /// A period key from local time, like `strftime`.
    static func format(_ time: Int, _ pattern: String) -> String {
        var seconds = time_t(time)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
