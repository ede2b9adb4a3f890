import FaroVZDump
import Testing

@Suite struct CalendarEventTests {
    /// Proxmox's own test vectors (facts §4.2), in UTC; epoch 0 was a Thursday.
    static let vectors: [(String, Int, Int)] = [
        ("*", 0, 60), ("*/10", 599, 600), ("*/12:0", 10, 43200),
        ("1/12:0/15", 3600 + 16 * 60, 3600 + 30 * 60), ("1/12:0/15", 3600 + 45 * 60, 13 * 3600),
        ("0", 0, 3600), ("mon", 0, 4 * 86400), ("sat..sun", 2 * 86400, 3 * 86400),
        ("20..22:*/30", 22 * 3600 + 30 * 60, 44 * 3600), ("2,4:0,1,3..5", 2 * 3600 + 60, 2 * 3600 + 3 * 60),
        ("5/2:0", 5 * 3600, 7 * 3600), ("4..10/2:0", 11 * 3600, 86400 + 4 * 3600),
        ("daily", 1, 86400), ("weekly", 0, 4 * 86400), ("monthly", 0, 31 * 86400), ("*:3:5", 0, 3 * 60 + 5),
        ("2020-07-31", 0, 1_596_153_600), ("02-29", 0, (2 * 365 + 59) * 86400),
    ]

    @Test(arguments: vectors)
    func nextRunMatchesProxmox(_ vector: (String, Int, Int)) throws {
        let event = try CalendarEvent(parsing: vector.0 + " UTC")
        #expect(event.next(after: vector.1) == vector.2, "\(vector.0)")
    }

    @Test func wrappingWeekdaysAndKeywords() throws {
        // fri..mon: Fri, Sat, Sun, Mon. From Thursday 1970-01-01 the next is Friday 00:00.
        #expect(try CalendarEvent(parsing: "fri..mon UTC").next(after: 0) == 86400)
        #expect(try CalendarEvent(parsing: "fri..mon UTC").next(after: 4 * 86400) == 7 * 86400 + 86400)
        #expect(try CalendarEvent(parsing: "sat 02:00 UTC").next(after: 0) == 2 * 86400 + 2 * 3600)
        #expect(try CalendarEvent(parsing: "sat *-1..7 15:00 UTC").next(after: 0) == 2 * 86400 + 15 * 3600)
        #expect(try CalendarEvent(parsing: "quarterly UTC").next(after: 0) == 90 * 86400)
        #expect(try CalendarEvent(parsing: "02-30 UTC").next(after: 0) == nil)
    }

    @Test(arguments: ["61", "*/61", "0..80", "", "mon 0 0 0", "funday", "10..5", "25:00"])
    func refusesBadEvents(_ text: String) {
        #expect(throws: CalendarEvent.ParseError.self) { try CalendarEvent(parsing: text) }
    }
}
