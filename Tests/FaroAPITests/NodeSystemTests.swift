import FaroAPI
import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The node's System settings: DNS and hosts in the node root's `etc`, the time zone, and
/// the system log from journalctl.
@Suite struct NodeSystemTests {
    let base = "/nodes/testnode"

    @Test func dnsIsWrittenUnderTheNodeRootKeepingOtherLines() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let hostResolv = try? FileIO.readText("/etc/resolv.conf")
        let etc = node.directory.path + "/etc"
        try await node.test { client in
            #expect(try await client.call(.get, base + "/dns").data == .object([:]), "the new root has no resolv.conf")
            try FileIO.makeDirectory(etc)
            try FileIO.writeAtomically(
                etc + "/resolv.conf", Array("domain old.example\nnameserver 10.0.0.1\noptions edns0\n".utf8))
            #expect(try await client.call(.get, base + "/dns").data == ["search": "old.example", "dns1": "10.0.0.1"])
            let set = try await client.call(
                .put, base + "/dns", ["search": "lab.example", "dns1": "192.0.2.53", "dns2": "2001:db8::53"])
            #expect(set.status == .ok, "\(set.text)")
            #expect(
                try FileIO.readText(etc + "/resolv.conf")
                    == "search lab.example\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions edns0\n")
            #expect(
                try await client.call(.get, base + "/dns").data == [
                    "search": "lab.example", "dns1": "192.0.2.53", "dns2": "2001:db8::53",
                ])
            let cases: [([String: String], String, String)] = [
                (
                    ["search": "x", "dns1": "300.1.1.1"], "dns1",
                    "invalid format - value does not look like a valid IP address"
                ),
                (["dns1": "192.0.2.1"], "search", "property is missing and it is not optional"),
                (["search": "a\nnameserver 6.6.6.6"], "search", "value must be a single line"),
            ]
            for (parameters, name, message) in cases {
                let reply = try await client.call(.put, base + "/dns", parameters)
                #expect(reply.status == .badRequest, "\(parameters)")
                #expect(reply.json["errors"]?[name]?.stringValue == message, "\(parameters): \(reply.text)")
            }
            #expect(
                try FileIO.readText(etc + "/resolv.conf").hasPrefix("search lab.example\n"),
                "refused changes wrote nothing")
        }
        #expect((try? FileIO.readText("/etc/resolv.conf")) == hostResolv, "the host's resolv.conf is untouched")
    }

    @Test func hostsFileIsReplacedUnderItsDigest() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let empty = try await client.call(.get, base + "/hosts").data
            #expect(empty["data"] == "")
            let hosts = "127.0.0.1 localhost\n192.0.2.10 pve1.lab.example pve1\n"
            let written = try await client.call(
                .post, base + "/hosts", ["data": hosts, "digest": empty["digest"]?.stringValue ?? ""])
            #expect(written.status == .ok, "\(written.text)")
            #expect(try FileIO.readText(node.directory.path + "/etc/hosts") == hosts)
            let read = try await client.call(.get, base + "/hosts").data
            #expect(read["data"]?.stringValue == hosts)
            #expect(read["digest"] != empty["digest"])
            let stale = try await client.call(
                .post, base + "/hosts", ["data": "x\n", "digest": empty["digest"]?.stringValue ?? ""])
            #expect(stale.status.code == 500)
            #expect(stale.status.reasonPhrase.contains("detected modified configuration"))
            #expect(try await client.call(.post, base + "/hosts", [:]).json["errors"]?["data"] != nil)
            #expect(try FileIO.readText(node.directory.path + "/etc/hosts") == hosts, "refused writes changed nothing")
        }
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/Europe/Madrid"), "needs Debian's tzdata"))
    func timezoneIsSetUnderTheNodeRoot() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            #expect(try await client.call(.get, base + "/time").data["timezone"] == "UTC", "a new root has no zone set")
            #expect(try await client.call(.put, base + "/time", ["timezone": "Europe/Madrid"]).status == .ok)
            let time = try await client.call(.get, base + "/time").data
            #expect(time["timezone"] == "Europe/Madrid")
            #expect(time["time"] == 1_700_000_000)
            #expect(time["localtime"] == .int(1_700_000_000 + 3600), "Madrid is UTC+1 in November")
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: node.directory.path + "/etc/localtime")
            #expect(link == "/usr/share/zoneinfo/Europe/Madrid")
            for zone in ["Mars/Olympus_Mons", "../../etc/passwd", "Europe"] {
                let reply = try await client.call(.put, base + "/time", ["timezone": zone])
                #expect(reply.status == .badRequest, "\(zone)")
                #expect(
                    reply.json["errors"]?["timezone"]?.stringValue == "No such timezone '\(zone)'",
                    "\(zone): \(reply.text)")
            }
            #expect(try FileIO.readText(node.directory.path + "/etc/timezone") == "Europe/Madrid\n")
        }
    }

    @Test func syslogRunsJournalctlWithTheFiltersAndPagesItsLines() async throws {
        let lines = (1...5).map { "Dec 02 07:0\($0):00 pve1 faro[42]: line \($0)" }
        let runner = RecordingCommandRunner([.init(["journalctl"], stdout: lines.joined(separator: "\n") + "\n")])
        let node = try await TestNode(runner: runner)
        defer { node.remove() }
        try await node.test { client in
            let page = try await client.call(
                .get, base + "/syslog",
                [
                    "start": "1", "limit": "2", "since": "2026-12-02 07:00", "until": "2026-12-02", "service": "faro",
                ])
            #expect(page.json["total"] == 5)
            #expect(page.data == [["n": 2, "t": .string(lines[1])], ["n": 3, "t": .string(lines[2])]])
            let bad = try await client.call(.get, base + "/syslog", ["since": "yesterday"])
            #expect(bad.json["errors"]?["since"]?.stringValue == "value does not match the regex pattern")
        }
        #expect(
            await runner.commandLines == [
                "journalctl --no-pager --quiet --output=short --since=2026-12-02 07:00 --until=2026-12-02 --unit=faro"
            ])
    }

    @Test func syslogFromTheRealJournalctl() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let reply = try await client.call(.get, base + "/syslog", ["limit": "3"])
            #expect(reply.status == .ok, "\(reply.text)")
            let total = reply.json["total"]?.intValue ?? -1
            #expect(total >= 0)
            #expect(reply.data.arrayValue?.count == min(3, total))
        }
    }

    @Test func restrictedUsersNeedTheirPrivileges() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let audrey = try await node.responder(as: "audrey@pve", role: "PVEAuditor", on: "/")
        try await node.test(audrey) { client in
            #expect(try await client.call(.get, base + "/dns").status == .ok)
            #expect(try await client.call(.get, base + "/hosts").status == .ok)
            let refused = try await client.call(.put, base + "/dns", ["search": "x.example"])
            #expect(refused.status.reasonPhrase == "Permission check failed (/nodes/testnode, Sys.Modify)")
            #expect(try await client.call(.put, base + "/time", ["timezone": "UTC"]).status == .forbidden)
            #expect(try await client.call(.get, base + "/syslog").status == .forbidden, "the log needs Sys.Syslog")
        }
        #expect(!FileIO.exists(node.directory.path + "/etc/resolv.conf"))
    }
}
