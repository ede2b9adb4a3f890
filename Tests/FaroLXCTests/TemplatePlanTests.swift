import Testing

@testable import FaroLXC

/// The pure core of the template check: tar's listing lines read back into members, and the
/// judgement of the members by normalised path and type (issue 23).
@Suite struct TemplatePlanTests {
    static let archive = "/t/evil.tar.gz"

    @Test(arguments: [
        (#"crw-rw-rw- 0/0             1,1 1970-01-01 00:00 "dev/mem""#, TemplateEntry(.characterDevice, "dev/mem")),
        (#"brw-rw---- 0/6             8,0 1970-01-01 00:00 ".//dev/sda""#, TemplateEntry(.blockDevice, ".//dev/sda")),
        (
            #"-rw-r--r-- 0/0              12 2024-05-01 10:00 "etc/a \"b\" -> c""#,
            TemplateEntry(.file, #"etc/a "b" -> c"#)
        ),
        (#"drwxr-xr-x 0/0               0 2024-05-01 10:00 "./""#, TemplateEntry(.directory, "./")),
        (
            #"lrwxrwxrwx 0/0               0 2024-05-01 10:00 "bin/sh" -> "busybox""#,
            TemplateEntry(.symbolicLink, "bin/sh", link: "busybox")
        ),
        (
            #"hrw-r--r-- 0/0               0 2024-05-01 10:00 "etc/x" link to "dev/mem""#,
            TemplateEntry(.hardLink, "etc/x", link: "dev/mem")
        ),
        (#"prw-r--r-- 0/0               0 2024-05-01 10:00 "run/fifo""#, TemplateEntry(.fifo, "run/fifo")),
        (#"-rw-r--r-- 0/0               0 2024-05-01 10:00 "a\nb\\c\303\251\?""#, TemplateEntry(.file, "a\nb\\cé?")),
    ])
    func readsListingLines(line: String, entry: TemplateEntry) {
        #expect(TemplateEntry.parse(line: Array(line.utf8)) == entry)
    }

    @Test(arguments: [
        #"Vrw-r--r-- 0/0               0 2024-05-01 10:00 "label"--Volume Header--"#,
        #"?rw-r--r-- 0/0               0 2024-05-01 10:00 "odd""#,
        #"crw-rw-rw- 0/0             1,1 1970-01-01 00:00 "dev/mem" trailing"#,
        #"lrwxrwxrwx 0/0               0 2024-05-01 10:00 "a" link to "b""#,
        #"hrw-r--r-- 0/0               0 2024-05-01 10:00 "a""#,
        #"-rw-r--r-- 0/0               0 2024-05-01 10:00 "unterminated"#,
        #"-rw-r--r-- 0/0               0 2024-05-01 10:00 "bad \x escape""#,
        #"-rw-r--r-- 0/0               0 2024-05-01 10:00 "not utf-8 \377""#,
        "",
    ])
    func refusesAnyOtherLine(line: String) {
        #expect(TemplateEntry.parse(line: Array(line.utf8)) == nil)
    }

    /// Every spelling of a path below /dev is left out, whatever the member is.
    @Test(arguments: ["dev/mem", "./dev/mem", ".//dev/mem", "dev//mem", "././dev/./mem", "dev/sub/dir/mem"])
    func devicesBelowDevAreSkippedHoweverSpelled(name: String) throws {
        let entries = [
            TemplateEntry(.directory, "./"), TemplateEntry(.directory, "./dev/"), TemplateEntry(.characterDevice, name),
            TemplateEntry(.blockDevice, name + "blk"), TemplateEntry(.file, "./etc/hostname"),
        ]
        let plan = try TemplatePlan(entries, archive: Self.archive)
        #expect(plan.skipped == [name, name + "blk"])
    }

    @Test(arguments: [
        ([TemplateEntry(.characterDevice, "etc/mem")], "device node 'etc/mem' outside /dev"),
        ([TemplateEntry(.blockDevice, ".//etc//sda")], "device node './/etc//sda' outside /dev"),
        ([TemplateEntry(.characterDevice, "dev")], "device node 'dev' outside /dev"),
        ([TemplateEntry(.characterDevice, "/dev/mem")], "absolute path '/dev/mem' in archive"),
        ([TemplateEntry(.characterDevice, "a/../dev/mem")], "path 'a/../dev/mem' leaves the root"),
        ([TemplateEntry(.file, "./etc/../../outside")], "path './etc/../../outside' leaves the root"),
        ([TemplateEntry(.file, "dev/../../outside")], "path 'dev/../../outside' leaves the root"),
        (
            [TemplateEntry(.characterDevice, "./dev/mem"), TemplateEntry(.hardLink, "etc/mem", link: "./dev/mem")],
            "hard link 'etc/mem' to './dev/mem' in /dev"
        ),
        (
            [TemplateEntry(.characterDevice, "dev/mem"), TemplateEntry(.hardLink, "etc/mem", link: "dev//mem")],
            "hard link 'etc/mem' to 'dev//mem' in /dev"
        ),
        ([TemplateEntry(.hardLink, "etc/shadow", link: "/etc/shadow")], "absolute path '/etc/shadow' in archive"),
        ([TemplateEntry(.hardLink, "etc/shadow", link: "../etc/shadow")], "path '../etc/shadow' leaves the root"),
        (
            [TemplateEntry(.symbolicLink, "etc/evil", link: "/etc"), TemplateEntry(.file, "./etc/evil/passwd")],
            "'./etc/evil/passwd' lies below the symbolic link 'etc/evil'"
        ),
        (
            [TemplateEntry(.characterDevice, "foo/mem"), TemplateEntry(.symbolicLink, "./foo", link: "dev")],
            "'foo/mem' lies below the symbolic link 'foo'"
        ),
        (
            [TemplateEntry(.symbolicLink, "up", link: "/"), TemplateEntry(.hardLink, "etc/x", link: "up/etc/shadow")],
            "hard link 'etc/x' leads through the symbolic link 'up'"
        ),
    ])
    func refusesWhatCouldEscapeOrPlantADevice(entries: [TemplateEntry], problem: String) {
        #expect(throws: LXCError.badTemplate(Self.archive, problem)) {
            try TemplatePlan(entries, archive: Self.archive)
        }
    }

    @Test func anOrdinaryRootfsPasses() throws {
        let entries = [
            TemplateEntry(.directory, "./"), TemplateEntry(.directory, "./bin/"), TemplateEntry(.file, "./bin/busybox"),
            TemplateEntry(.symbolicLink, "./bin/sh", link: "busybox"),
            TemplateEntry(.symbolicLink, "./lib", link: "usr/lib"),
            TemplateEntry(.symbolicLink, "./etc/localtime", link: "/usr/share/zoneinfo/UTC"),
            TemplateEntry(.hardLink, "./bin/ash", link: "./bin/busybox"), TemplateEntry(.fifo, "./run/initctl"),
            TemplateEntry(.directory, "./dev/"),
        ]
        #expect(try TemplatePlan(entries, archive: Self.archive).skipped.isEmpty)
    }

    @Test func tooManyMembersBelowDevAreRefused() {
        let entries = (0...TemplatePlan.skipLimit).map { TemplateEntry(.characterDevice, "dev/tty\($0)") }
        #expect(throws: LXCError.badTemplate(Self.archive, "more than 4096 members below /dev")) {
            try TemplatePlan(entries, archive: Self.archive)
        }
    }
}
