#if canImport(Glibc)
import Glibc
#endif

/// A Proxmox calendar event (`sat 02:00`, `mon..fri 22:30`, `*/15`, `monthly`,
/// `2030-01-01 UTC`), the schedule syntax of backup jobs, with the next time it matches
/// (facts §4). A bare number is a minute; weekday ranges wrap (`fri..mon`).
public struct CalendarEvent: Sendable, Equatable {
    /// One item of a value list: a value, a range, or a repetition (`start/step`, bounded by `end`).
    enum Item: Sendable, Equatable {
        case value(Int)
        case range(Int, Int)
        case repetition(start: Int, step: Int, end: Int?)

        func matches(_ value: Int) -> Bool {
            switch self {
            case .value(let wanted): return value == wanted
            case .range(let low, let high): return (low...high).contains(value)
            case .repetition(let start, let step, let end):
                return value >= start && (end.map { value <= $0 } ?? true) && (value - start) % step == 0
            }
        }
    }

    /// nil = any value.
    var weekdays: Set<Int>?  // 0 = Monday ... 6 = Sunday
    var years: [Item]?
    var months: [Item]?
    var days: [Item]?
    var hours: [Item]?
    var minutes: [Item]?
    var seconds: [Item]?
    public var utc = false

    /// Matches every second; the parser narrows it.
    init() {}

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "invalid calendar event '\(text)' - \(reason)" }
    }

    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let fullWeekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        var words = text.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw fail("empty calendar event") }
        if words.count > 1, words.last == "utc" {
            utc = true
            words.removeLast()
        }
        if words.count == 1, let keyword = Self.keyword(words[0]) {
            let utc = self.utc
            self = keyword
            self.utc = utc
            return
        }
        if let first = words.first, first.first?.isLetter == true {
            weekdays = try Self.weekdays(first, fail)
            words.removeFirst()
        }
        if let first = words.first, first.contains("-") {
            let parts = first.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3 else { throw fail("invalid date '\(first)'") }
            if parts.count == 3 { years = try Self.list(parts[0], 0...2199, repeatFrom: 0, fail) }
            months = try Self.list(parts[parts.count - 2], 1...12, repeatFrom: 1, fail)
            days = try Self.list(parts[parts.count - 1], 1...31, repeatFrom: 1, fail)
            words.removeFirst()
        }
        if let first = words.first {
            let parts = first.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch parts.count {
            case 1: minutes = try Self.list(parts[0], 0...59, repeatFrom: 0, fail)
            case 2, 3:
                hours = try Self.list(parts[0], 0...23, repeatFrom: 0, fail)
                minutes = try Self.list(parts[1], 0...59, repeatFrom: 0, fail)
                if parts.count == 3 { seconds = try Self.list(parts[2], 0...59, repeatFrom: 0, fail) }
            default: throw fail("invalid time '\(first)'")
            }
            seconds = seconds ?? [.value(0)]
            words.removeFirst()
        } else {
            (hours, minutes, seconds) = ([.value(0)], [.value(0)], [.value(0)])
        }
        guard words.isEmpty else { throw fail("unexpected '\(words.joined(separator: " "))'") }
    }

    static func keyword(_ word: String) -> CalendarEvent? {
        var event = CalendarEvent()
        let midnight: [Item] = [.value(0)]
        (event.hours, event.minutes, event.seconds) = (midnight, midnight, midnight)
        switch word {
        case "minutely": (event.hours, event.minutes) = (nil, nil)
        case "hourly": event.hours = nil
        case "daily": break
        case "weekly": event.weekdays = [0]
        case "monthly": event.days = [.value(1)]
        case "yearly", "annually": (event.months, event.days) = ([Item.value(1)], [Item.value(1)])
        case "quarterly": (event.months, event.days) = ([1, 4, 7, 10].map { Item.value($0) }, [Item.value(1)])
        case "semiannually", "semi-annually": (event.months, event.days) = ([Item.value(1), Item.value(7)], [Item.value(1)])
        default: return nil
        }
        return event
    }

    static func weekdays(_ text: String, _ fail: (String) -> ParseError) throws(ParseError) -> Set<Int> {
        func day(_ name: Substring) throws(ParseError) -> Int {
            if let index = weekdayNames.firstIndex(of: String(name)) ?? fullWeekdayNames.firstIndex(of: String(name)) { return index }
            throw fail("invalid weekday '\(name)'")
        }
        var result: Set<Int> = []
        for item in text.split(separator: ",") {
            if let range = item.range(of: "..") {
                var current = try day(item[..<range.lowerBound])
                let last = try day(item[range.upperBound...])
                result.insert(current)
                while current != last {
                    current = (current + 1) % 7
                    result.insert(current)
                }
            } else {
                result.insert(try day(item))
            }
        }
        return result
    }

    /// A value list; nil for `*`.
    static func list(_ text: String, _ bounds: ClosedRange<Int>, repeatFrom: Int, _ fail: (String) -> ParseError) throws(ParseError) -> [Item]? {
        if text == "*" { return nil }
        func number(_ part: Substring) throws(ParseError) -> Int {
            guard let value = Int(part), value >= 0 else { throw fail("invalid value '\(part)'") }
            guard bounds.contains(value) else { throw fail("value too large") }
            return value
        }
        var items: [Item] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let halves = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var start: Int, end: Int?
            if halves[0] == "*" {
                start = repeatFrom
            } else if let range = halves[0].range(of: "..") {
                start = try number(halves[0][..<range.lowerBound])
                end = try number(halves[0][range.upperBound...])
                guard start <= end! else { throw fail("range start is greater than its end") }
            } else {
                start = try number(halves[0])
            }
            if halves.count == 2 {
                guard let step = Int(halves[1]), step > 0 else { throw fail("invalid repetition '\(halves[1])'") }
                guard step <= bounds.upperBound else { throw fail("value too large") }
                items.append(.repetition(start: start, step: step, end: end))
            } else if halves[0] == "*" {
                return nil
            } else {
                items.append(end.map { .range(start, $0) } ?? .value(start))
            }
        }
        return items
    }
}
