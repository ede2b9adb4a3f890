import FaroStorage
import Foundation
import Testing

@Suite struct PruneTests {
    /// Backups at local times given as "YYYY-MM-DD HH:MM", in group qemu/100 unless named.
    func candidates(_ times: [String], group: String = "qemu/100") -> [PruneCandidate] {
        times.map { time in
            let archive = BackupArchive(
                fileName: "vzdump-qemu-100-" + time.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "-")
                    .replacingOccurrences(of: ":", with: "_") + "_00.vma.zst")!
            return PruneCandidate(volid: "local:backup/\(group)-\(time)", ctime: archive.ctime!, group: group, isProtected: false)
        }
    }

    func kept(_ marks: [String: PruneMark]) -> [String] {
        marks.filter { $0.value == .keep }.keys.map { String($0.split(separator: "-", maxSplits: 1)[1]) }.sorted()
    }

    @Test func optionsParseAndRejectConflicts() throws {
        let options = try PruneOptions(parsing: "keep-last=3,keep-daily=7")
        #expect(options.last == 3 && options.daily == 7 && !options.keepsEverything)
        #expect(try PruneOptions(parsing: "keep-all=1").keepsEverything)
        #expect(try PruneOptions(parsing: "keep-last=0").keepsEverything)
        #expect(throws: StorageError.self) { try PruneOptions(parsing: "keep-all=1,keep-last=2") }
        #expect(throws: StorageError.self) { try PruneOptions(parsing: "keep-lasts=2") }
        #expect(throws: StorageError.self) { try PruneOptions(parsing: "keep-last=-1") }
    }

    @Test func keepLastThenDailyCoversNewPeriodsOnly() throws {
        let backups = candidates([
            "2024-03-05 10:00", "2024-03-05 08:00", "2024-03-04 22:00", "2024-03-04 10:00", "2024-03-03 10:00",
            "2024-03-02 10:00",
        ])
        let marks = Pruner.mark(backups, options: try PruneOptions(parsing: "keep-last=2,keep-daily=2"))
        // last keeps the two newest (both on 03-05); daily then skips 03-05 and keeps the newest of
        // 03-04 and 03-03; the older backup on 03-04 goes.
        #expect(kept(marks) == ["2024-03-03 10:00", "2024-03-04 22:00", "2024-03-05 08:00", "2024-03-05 10:00"])
        #expect(marks["local:backup/qemu/100-2024-03-04 10:00"] == .remove)
        #expect(marks["local:backup/qemu/100-2024-03-02 10:00"] == .remove)
    }

    @Test func weeklyUsesISOWeeksAcrossTheYearBoundary() throws {
        // 2020-12-31 and 2021-01-01 are both in ISO week 2020-W53.
        let backups = candidates(["2021-01-04 10:00", "2021-01-01 10:00", "2020-12-31 10:00", "2020-12-27 10:00"])
        let marks = Pruner.mark(backups, options: try PruneOptions(parsing: "keep-weekly=3"))
        #expect(kept(marks) == ["2020-12-27 10:00", "2021-01-01 10:00", "2021-01-04 10:00"])
        #expect(marks["local:backup/qemu/100-2020-12-31 10:00"] == .remove)
    }

    @Test func groupsPruneApartAndProtectedOrRenamedStay() throws {
        var backups = candidates(["2024-03-05 10:00", "2024-03-04 10:00"])
        backups += candidates(["2024-03-05 11:00", "2024-03-04 11:00"], group: "lxc/100")
        backups.append(PruneCandidate(volid: "local:backup/keepme", ctime: 1, group: "qemu/100", isProtected: true))
        backups.append(PruneCandidate(volid: "local:backup/odd-name.vma", ctime: 2, group: nil, isProtected: false))
        let marks = Pruner.mark(backups, options: try PruneOptions(parsing: "keep-last=1"))
        #expect(marks.values.filter { $0 == .keep }.count == 2)
        #expect(marks["local:backup/lxc/100-2024-03-05 11:00"] == .keep)
        #expect(marks["local:backup/keepme"] == .protected)
        #expect(marks["local:backup/odd-name.vma"] == .renamed)
    }

    @Test func allZeroMeansKeepAll() throws {
        let backups = candidates(["2024-03-05 10:00", "2024-03-04 10:00"])
        let marks = Pruner.mark(backups, options: try PruneOptions(parsing: "keep-daily=0"))
        #expect(marks.values.allSatisfy { $0 == .keep })
    }

    @Test func yearlyHandlesDatesBefore2000AndAfter2038() throws {
        let backups = candidates(["2070-06-01 10:00", "2039-06-01 10:00", "2039-01-01 10:00", "1999-06-01 10:00"])
        let marks = Pruner.mark(backups, options: try PruneOptions(parsing: "keep-yearly=3"))
        #expect(kept(marks) == ["1999-06-01 10:00", "2039-06-01 10:00", "2070-06-01 10:00"])
    }
}
