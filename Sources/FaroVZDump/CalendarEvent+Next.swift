#if canImport(Glibc)
import Glibc
#endif

extension CalendarEvent {
    /// The first second strictly after `last` (epoch seconds) that matches, in UTC or the
    /// node's local time; nil when none comes (`02-30`), as Proxmox gives up after 1000 steps.
    public func next(after last: Int) -> Int? {
        var time = last + 1
        for _ in 0..<1000 {
            var parts = broken(time)
            let year = Int(parts.tm_year) + 1900, month = Int(parts.tm_mon) + 1, day = Int(parts.tm_mday)
            let weekday = (Int(parts.tm_wday) + 6) % 7
            if !Self.allows(years, year) {
                guard let next = Self.next(years, after: year, upTo: 2199) else { return nil }
                time = self.time(year: next, month: 1, day: 1)
                continue
            }
            if !Self.allows(months, month) {
                if let next = Self.next(months, after: month, upTo: 12) {
                    time = self.time(year: year, month: next, day: 1)
                } else {
                    time = self.time(year: year + 1, month: 1, day: 1)
                }
                continue
            }
            if !Self.allows(days, day) || !(weekdays?.contains(weekday) ?? true) {
                time = self.time(year: year, month: month, day: day + 1)
                continue
            }
            let (hour, minute, second) = (Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            if !Self.allows(hours, hour) {
                if let next = Self.next(hours, after: hour, upTo: 23) {
                    time = self.time(year: year, month: month, day: day, hour: next)
                } else {
                    time = self.time(year: year, month: month, day: day + 1)
                }
                continue
            }
            if !Self.allows(minutes, minute) {
                if let next = Self.next(minutes, after: minute, upTo: 59) {
                    time = self.time(year: year, month: month, day: day, hour: hour, minute: next)
                } else {
                    time = self.time(year: year, month: month, day: day, hour: hour + 1)
                }
                continue
            }
            if !Self.allows(seconds, second) {
                if let next = Self.next(seconds, after: second, upTo: 59) {
                    time += next - second
                } else {
                    time = self.time(year: year, month: month, day: day, hour: hour, minute: minute + 1)
                }
                continue
            }
            parts.tm_isdst = -1
            return time
        }
        return nil
    }

    static func allows(_ items: [Item]?, _ value: Int) -> Bool { items?.contains { $0.matches(value) } ?? true }

    static func next(_ items: [Item]?, after value: Int, upTo limit: Int) -> Int? {
        guard value < limit else { return nil }
        return (value + 1...limit).first { allows(items, $0) }
    }

    func broken(_ time: Int) -> tm {
        var seconds = time_t(time)
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        return parts
    }

    /// Epoch seconds of a (possibly overflowing, e.g. day 32) date and time, normalised.
    func time(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) -> Int {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_isdst = -1
        return Int(utc ? timegm(&parts) : mktime(&parts))
    }
}
