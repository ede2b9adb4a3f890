import FaroModel
import FaroVZDump
import Testing

@Suite struct BackupJobCoverageTests {
    let guests = [100, 101, 102, 200].map { BackupJobCoverage.Guest(vmid: VMID($0)!, type: $0 < 200 ? "qemu" : "lxc", name: nil, node: "n1") }

    func uncovered(_ jobs: String, pools: [String: Set<Int>] = [:]) -> [Int] {
        BackupJobCoverage.uncovered(guests, jobs: jobs, pools: pools.mapValues { Set($0.compactMap(VMID.init)) }).map(\.vmid.rawValue)
    }

    @Test func withoutJobsNothingIsCovered() { #expect(uncovered("") == [100, 101, 102, 200]) }

    @Test func aVMIDListCoversItsGuestsEvenWhenTheJobIsDisabled() {
        #expect(uncovered("vzdump: a\n\tschedule daily\n\tvmid 100,200\n\tenabled 0\n") == [101, 102])
    }

    @Test func allLessExcludeAndPoolsAndNodes() {
        #expect(uncovered("vzdump: a\n\tall 1\n\texclude 101\n") == [101])
        #expect(uncovered("vzdump: p\n\tpool web\n", pools: ["web": [102]]) == [100, 101, 200])
        #expect(uncovered("vzdump: a\n\tall 1\n\tnode other\n") == [100, 101, 102, 200])
    }

    @Test func otherJobTypesDoNotCount() { #expect(uncovered("realm-sync: s\n\tschedule daily\n\trealm pve\n") == [100, 101, 102, 200]) }
}

@Suite struct NotesTemplateTests {
    @Test func validatesVariablesAndEscapes() throws {
        try NotesTemplate.validate("{{guestname}} on {{node}}\\n{{vmid}} \\\\ {{cluster}}")
        #expect(throws: VZDumpError.self) { try NotesTemplate.validate("{{nope}}") }
        #expect(throws: VZDumpError.self) { try NotesTemplate.validate("a\\tb") }
        #expect(throws: VZDumpError.self) { try NotesTemplate.validate("{{vmid") }
    }
}
