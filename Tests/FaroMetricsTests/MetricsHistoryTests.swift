import FaroMetrics
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The history over simulated time: samples are recorded at made-up times, so years pass in
/// a fraction of a second.
@Suite struct MetricsHistoryTests {
    /// 2023-11-14 22:13:20 UTC; a multiple of 20 s, not of a minute.
    static let start = 1_700_000_000

    /// A guest sample: `cpu` and `mem` given, counters `net` (in and out) and 0 disk I/O.
    static func guest(cpu: Double, mem: Double, net: Double = 0) -> [Double] {
        [2, cpu, 1_073_741_824, mem, 8_589_934_592, 0, net, net, 0, 0]
    }

    @Test func hourRowsAverageAndMaximiseTheirMinute() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = MetricsHistory(directory: directory.path)
        let minute = Self.start - Self.start % 60
        // Six samples a minute for 10 minutes; cpu climbs 0.1 ... 0.6 within each minute.
        for offset in stride(from: 0, to: 600, by: 10) {
            try await history.record(.guest(100), at: minute + offset, values: Self.guest(cpu: Double(offset % 60 / 10 + 1) / 10, mem: 1000))
        }
        let now = minute + 599
        let average = try await history.read(.guest(100), frame: .hour, consolidation: .average, now: now)
        #expect(average.count == 70)
        #expect(average.last?.time == minute + 540)
        #expect(zip(average, average.dropFirst()).allSatisfy { $1.time - $0.time == 60 })
        let known = average.filter { $0.values != nil }
        #expect(known.count == 10, "one row per minute sampled")
        // The first sample only primes the counters, so the first minute averages 0.2 ... 0.6.
        #expect(abs((known[0].values?[1] ?? 0) - 0.4) < 1e-9)
        #expect(abs((known[1].values?[1] ?? 0) - 0.35) < 1e-9)
        let maximum = try await history.read(.guest(100), frame: .hour, consolidation: .max, now: now)
        #expect(maximum.compactMap { $0.values?[1] }.allSatisfy { abs($0 - 0.6) < 1e-9 })
        #expect(average.first?.values == nil, "before the first sample: only a time")
    }

    @Test func yearsWrapEveryFrameAroundItsRing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = MetricsHistory(directory: directory.path)
        // Three years, one sample an hour; cpu is the week number modulo 10, in tenths.
        let week = 7 * 86400
        var time = Self.start
        let end = Self.start + 3 * 365 * 86400
        while time < end {
            let cpu = Double((time / week) % 10) / 10
            try await history.record(.guest(100), at: time, values: Self.guest(cpu: cpu, mem: Double(time % 1000)))
            time += 3600
        }
        let now = end - 1
        let year = try await history.read(.guest(100), frame: .year, consolidation: .average, now: now)
        #expect(year.count == 70)
        #expect(year.allSatisfy { $0.time % week == 0 })
        #expect(year.allSatisfy { $0.values != nil }, "70 weeks of three years are all there")
        for point in year.dropLast() {
            #expect(abs((point.values?[1] ?? -1) - Double((point.time / week) % 10) / 10) < 1e-9, "week \(point.time)")
        }
        let day = try await history.read(.guest(100), frame: .day, consolidation: .average, now: now)
        // Hourly samples (at :13:20, the last at 21:13:20) land in every other 30-minute row of
        // the 35 hours from 11:30 the day before.
        #expect(day.filter { $0.values != nil }.count == 34)
        let hour = try await history.read(.guest(100), frame: .hour, consolidation: .average, now: now)
        #expect(hour.filter { $0.values != nil }.count == 1)
        // A month later with no samples, the hour and day frames are empty, the year keeps its rows.
        let later = now + 31 * 86400
        #expect(try await history.read(.guest(100), frame: .day, consolidation: .average, now: later).allSatisfy { $0.values == nil })
        #expect(try await history.read(.guest(100), frame: .year, consolidation: .average, now: later).filter { $0.values != nil }.count >= 64)
    }

    @Test func countersBecomeRatesAndARestartIsNeverNegative() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = MetricsHistory(directory: directory.path)
        let minute = Self.start - Self.start % 60 + 60
        // 1000 bytes a second for a minute, then the guest restarts: the counter is 500 bytes
        // 10 s later, and grows by 2000 bytes a second after that.
        var counter = 1_000_000.0
        for offset in stride(from: 0, through: 50, by: 10) {
            try await history.record(.guest(100), at: minute + offset, values: Self.guest(cpu: 0, mem: 0, net: counter))
            counter += 10_000
        }
        counter = 500
        try await history.record(.guest(100), at: minute + 60, values: Self.guest(cpu: 0, mem: 0, net: counter))
        for offset in stride(from: 70, through: 110, by: 10) {
            counter += 20_000
            try await history.record(.guest(100), at: minute + offset, values: Self.guest(cpu: 0, mem: 0, net: counter))
        }
        let points = try await history.read(.guest(100), frame: .hour, consolidation: .average, now: minute + 119)
        let netin = points.compactMap { $0.values?[6] }
        #expect(netin.count == 2)
        #expect(abs(netin[0] - 1000) < 1e-9, "\(netin)")
        // 50 bytes a second over the restart, then five intervals of 2000.
        #expect(abs(netin[1] - (50 + 5 * 2000) / 6) < 1e-9, "\(netin)")
        let maximum = try await history.read(.guest(100), frame: .hour, consolidation: .max, now: minute + 119)
        #expect(maximum.compactMap { $0.values?[7] }.allSatisfy { $0 >= 0 })
        #expect(CounterRate.perSecond(from: 5000, to: 100, seconds: 10) == 10)
        #expect(CounterRate.perSecond(from: 5000, to: 6000, seconds: 0) == 0)
    }

    @Test func aGuestSeriesIsSmallAndFixedInSize() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = MetricsHistory(directory: directory.path)
        try await history.record(.guest(100), at: Self.start, values: Self.guest(cpu: 0, mem: 0))
        #expect(!FileIO.exists(history.path(.guest(100))), "the first sample only primes the counters")
        try await history.record(.guest(100), at: Self.start + 10, values: Self.guest(cpu: 0, mem: 0))
        let path = history.path(.guest(100))
        let size = try FileIO.read(path).count
        #expect(size == 128 + 5 * 70 * 176, "the README's figure")
        #expect(size <= 256 << 10)
        for offset in stride(from: 20, to: 86400 * 3, by: 600) {
            try await history.record(.guest(100), at: Self.start + offset, values: Self.guest(cpu: 0.5, mem: 1))
        }
        #expect(try FileIO.read(path).count == size)
        try await history.record(.node("n"), at: Self.start, values: Array(repeating: 1, count: 12))
        try await history.record(.node("n"), at: Self.start + 10, values: Array(repeating: 1, count: 12))
        #expect(try FileIO.read(history.path(.node("n"))).count <= 256 << 10)
    }

    @Test func aRowWrittenOnlyInPartReadsAsUnknownAndARestartContinuesTheOpenRow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let minute = Self.start - Self.start % 60 + 60
        do {
            let history = MetricsHistory(directory: directory.path)
            for offset in [0, 10, 20] {
                try await history.record(.storage(node: "n", id: "local"), at: minute + offset, values: [100, Double(offset)])
            }
        }
        // A new daemon adds to the row the previous one left open.
        let history = MetricsHistory(directory: directory.path)
        try await history.record(.storage(node: "n", id: "local"), at: minute + 30, values: [100, 30])
        var points = try await history.read(.storage(node: "n", id: "local"), frame: .hour, consolidation: .average, now: minute + 59)
        #expect(points.last?.values == [100, 15])
        try await history.record(.storage(node: "n", id: "local"), at: minute + 60, values: [100, 60])
        // Tear the older hour row: its checksum no longer matches, so it is unknown; the
        // newer row stays.
        let path = history.path(.storage(node: "n", id: "local"))
        var bytes = try FileIO.read(path)
        let rowSize = 16 + 16 * 2
        let slot = (minute / 60) % 70
        bytes[128 + slot * rowSize + 20] ^= 0xff
        try FileIO.writeAtomically(path, bytes)
        points = try await MetricsHistory(directory: directory.path).read(
            .storage(node: "n", id: "local"), frame: .hour, consolidation: .average, now: minute + 119)
        #expect(points[68].values == nil)
        #expect(points[69].values == [100, 60])
    }

    @Test func aFileOfAnotherLayoutIsReplaced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = MetricsHistory(directory: directory.path)
        try FileIO.makeDirectory(directory.path + "/guest")
        try FileIO.writeAtomically(history.path(.guest(100)), Array("not a series".utf8))
        try await history.record(.guest(100), at: Self.start, values: Self.guest(cpu: 0.5, mem: 1))
        try await history.record(.guest(100), at: Self.start + 10, values: Self.guest(cpu: 0.5, mem: 1))
        let points = try await history.read(.guest(100), frame: .hour, consolidation: .average, now: Self.start + 10)
        #expect(points.last?.values?[1] == 0.5)
    }
}
