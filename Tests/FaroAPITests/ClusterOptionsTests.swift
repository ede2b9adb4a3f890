import FaroAPI
import FaroAPISpec
import FaroAccess
import FaroConfig
import FaroModel
import FaroSchema
import HTTPTypes
import HummingbirdTesting
import Testing

/// GET/PUT /cluster/options: `datacenter.cfg` in the store, and the options that take effect
/// (next-id for /cluster/nextid, mac_prefix for new NICs, console for /version).
@Suite struct ClusterOptionsTests {
    @Test func optionsAreStoredInProxmoxsFormatAndReadBackTyped() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            #expect(try await client.call(.get, "/cluster/options").data == .object([:]))
            let set = try await client.call(
                .put, "/cluster/options",
                [
                    "keyboard": "de", "max_workers": "8", "next-id": "lower=1000,upper=1003", "mac_prefix": "02:AA:BB",
                    "migration": "insecure,network=10.1.0.0/16", "description": "Main site\nrack 4",
                    "console": "xtermjs",
                ])
            #expect(set.status == .ok, "\(set.text)")
            #expect(
                try await node.store.read("datacenter.cfg")?.text == """
                    #Main site
                    #rack 4
                    console: xtermjs
                    keyboard: de
                    mac_prefix: 02:AA:BB
                    max_workers: 8
                    migration: insecure,network=10.1.0.0/16
                    next-id: lower=1000,upper=1003

                    """)
            let options = try await client.call(.get, "/cluster/options").data
            #expect(options["keyboard"] == "de")
            #expect(options["max_workers"] == 8)
            #expect(options["next-id"] == ["lower": 1000, "upper": 1003])
            #expect(options["migration"] == ["type": "insecure", "network": "10.1.0.0/16"])
            #expect(options["description"] == "Main site\nrack 4")
            #expect(try await client.call(.put, "/cluster/options", ["delete": "keyboard,description"]).status == .ok)
            let after = try await client.call(.get, "/cluster/options").data
            #expect(after["keyboard"] == nil && after["description"] == nil && after["max_workers"] == 8)
        }
    }

    @Test func nextIDMacPrefixAndConsoleTakeEffect() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await node.store.create("nodes/testnode/qemu-server/1000.conf", data: Array("memory: 512\n".utf8))
        try await node.test { client in
            #expect(try await client.call(.get, "/cluster/nextid").data == "100")
            #expect(try await client.call(.get, "/version").data["console"] == "html5")
            let set = try await client.call(
                .put, "/cluster/options",
                [
                    "next-id": "lower=1000,upper=1002", "mac_prefix": "BC:24:11:7", "console": "xtermjs",
                ])
            #expect(set.status == .ok)
            #expect(
                try await client.call(.get, "/cluster/nextid").data == "1001", "1000 is taken, the range starts there")
            #expect(try await client.call(.get, "/version").data["console"] == "xtermjs")
            #expect(
                try await QemuAPITests.task(node, client, .post, "", ["vmid": "1001", "net0": "virtio,bridge=vmbr0"])
                    == "OK")
            let full = try await client.call(.get, "/cluster/nextid")
            #expect(full.status.code == 500)
            #expect(full.status.reasonPhrase == "unable to get any free VMID in range [1000, 1002]")
            let net = try await client.call(.get, "/nodes/testnode/qemu/1001/config").data["net0"]?.stringValue ?? ""
            #expect(net.hasPrefix("virtio=BC:24:11:7"), "\(net)")
            #expect(Formats.check("mac-addr", String(net.dropFirst("virtio=".count).prefix(17))) == nil, "\(net)")
        }
    }

    @Test func badOptionsAreRefusedNamingTheParameterAndChangeNothing() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await node.store.create("datacenter.cfg", data: Array("keyboard: fr\n".utf8))
        try await node.test { client in
            let cases: [([String: String], String, String)] = [
                (["keyboard": "klingon"], "keyboard", "value 'klingon' does not have a value in the enumeration"),
                (
                    ["mac_prefix": "BD:24:11"], "mac_prefix",
                    "invalid format - value does not look like a valid unicast MAC address prefix"
                ),
                (["mac_prefix": "BC:24:11:22:33"], "mac_prefix", "invalid format"),
                (["next-id": "lower=50"], "next-id", "next-id.lower: value must have a minimum value of 100"),
                (["next-id": "lower=2000,upper=1000"], "next-id", "lower boundary must be below the upper boundary"),
                (["max_workers": "0"], "max_workers", "value must have a minimum value of 1"),
                (["http_proxy": "ftp://proxy"], "http_proxy", "value does not match the regex pattern"),
                (["email_from": "not an address"], "email_from", "invalid format"),
                (["migration": "type=fast"], "migration", "migration.type"),
                (["delete": "nosuch"], "nosuch", "unknown setting"),
                (["delete": "keyboard", "keyboard": "de"], "keyboard", "cannot set and delete a setting at once"),
                (["consent-text": "two\nlines"], "consent-text", "value must be a single line"),
                (["nosuch": "1"], "nosuch", "property is not defined in schema"),
            ]
            for (parameters, name, message) in cases {
                let reply = try await client.call(.put, "/cluster/options", parameters)
                #expect(reply.status == .badRequest, "\(parameters)")
                let error = reply.json["errors"]?[name]?.stringValue ?? ""
                #expect(error.contains(message), "\(parameters): \(reply.text)")
            }
            #expect(try await node.store.read("datacenter.cfg")?.text == "keyboard: fr\n", "nothing changed")
        }
    }

    @Test func readingNeedsAuditForAllAndChangingNeedsModify() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await node.store.create("datacenter.cfg", data: Array("keyboard: fr\nemail_from: ops@example.com\n".utf8))
        let dora = try await node.responder(as: "dora@pve", role: "PVEVMAdmin", on: "/vms")
        try await node.test(dora) { client in
            let options = try await client.call(.get, "/cluster/options")
            #expect(options.data == ["keyboard": "fr"], "only what the GUI needs")
            #expect(try await client.call(.put, "/cluster/options", ["keyboard": "de"]).status == .forbidden)
        }
        let audrey = try await node.responder(as: "audrey@pve", role: "PVEAuditor", on: "/")
        try await node.test(audrey) { client in
            #expect(try await client.call(.get, "/cluster/options").data["email_from"] == "ops@example.com")
            let refused = try await client.call(.put, "/cluster/options", ["keyboard": "de"])
            #expect(refused.status == .forbidden)
            #expect(refused.status.reasonPhrase == "Permission check failed (/, Sys.Modify)")
        }
        #expect(try await node.store.read("datacenter.cfg")?.text.contains("keyboard: fr") == true)
    }

    @Test func randomMACsKeepThePrefixAndStayUnicast() {
        for prefix in ["BC:24:11", "02", "BC:24:11:0", "aa:bb"] {
            let mac = DatacenterConfig(options: ["mac_prefix": prefix]).randomMAC()
            #expect(mac.hasPrefix(prefix.uppercased()), "\(prefix) → \(mac)")
            #expect(Formats.check("mac-addr", mac) == nil, "\(prefix) → \(mac)")
        }
        #expect(DatacenterConfig().randomMAC().hasPrefix("BC:24:11:"))
    }
}
