import FaroModel
import FaroSchema
import Testing

@Suite struct ValidationTests {
    let schema = Schema.object([
        "vmid": Schema.integer("id", minimum: 100, maximum: 999_999_999).with { $0.format = .named("pve-vmid") },
        "name": Schema.string("name", format: "dns-name").optional(),
        "force": Schema.boolean().optional(),
        "type": Schema.enumeration(["vm", "node"]).optional(),
        "ids": Schema.string(format: "pve-vmid-list").optional(),
        "size": Schema.string(format: "disk-size").optional(),
        "cpulimit": Schema.number(minimum: 0, maximum: 128).optional(),
        "comment": Schema.string().length(max: 5).optional(),
        "net0": Schema.propertyString([
            "model": Schema.enumeration(["virtio", "e1000"]).defaultKey(),
            "bridge": Schema.string(format: "pve-bridge-id").optional(),
            "firewall": Schema.boolean().optional(),
            "tag": Schema.integer(minimum: 1, maximum: 4094).optional(),
        ]).optional(),
        "list": Schema.array(of: .string()).optional(),
    ])

    func errors(_ input: [String: JSONValue]) -> [String: String] {
        do {
            _ = try SchemaValidator.validateParameters(input, schema: schema)
            return [:]
        } catch {
            return error.errors
        }
    }

    @Test func normalisesFormStrings() throws {
        let output = try SchemaValidator.validateParameters(
            ["vmid": "100", "force": "1", "cpulimit": "1.5", "list": "single"], schema: schema)
        #expect(output["vmid"] == .int(100))
        #expect(output["force"] == .bool(true))
        #expect(output["cpulimit"] == .double(1.5))
        #expect(output["list"] == .array(["single"]))
    }

    @Test func reportsProxmoxMessages() {
        #expect(errors([:])["vmid"] == "property is missing and it is not optional")
        #expect(errors(["vmid": "100", "bogus": "1"])["bogus"]
            == "property is not defined in schema and the schema does not allow additional properties")
        #expect(errors(["vmid": "abc"])["vmid"] == "type check ('integer') failed - got 'abc'")
        #expect(errors(["vmid": "99"])["vmid"] == "value must have a minimum value of 100")
        #expect(errors(["vmid": "1000000000"])["vmid"] == "value must have a maximum value of 999999999")
        #expect(errors(["vmid": "100", "type": "x"])["type"] == "value 'x' does not have a value in the enumeration 'vm, node'")
        #expect(errors(["vmid": "100", "comment": "toolong"])["comment"] == "value may only be 5 characters long")
        #expect(errors(["vmid": "1.5"])["vmid"] == "type check ('integer') failed - got '1.5'")
    }

    @Test(arguments: ["true", "yes", "on", "2", ""])
    func booleansAcceptOnlyZeroAndOne(_ text: String) {
        #expect(errors(["vmid": "100", "force": .string(text)])["force"] == "type check ('boolean') failed - got '\(text)'")
    }

    @Test func jsonBooleansAreAccepted() throws {
        let output = try SchemaValidator.validateParameters(["vmid": 100, "force": false], schema: schema)
        #expect(output["force"] == .bool(false))
    }

    @Test func formatsAreChecked() {
        #expect(errors(["vmid": "100", "name": "bad_name!"])["name"]?.hasPrefix("invalid format - ") == true)
        #expect(errors(["vmid": "100", "ids": "100,101;102 103"]).isEmpty)
        #expect(errors(["vmid": "100", "ids": "100,abc"])["ids"]?.contains("'abc'") == true)
        #expect(errors(["vmid": "100", "ids": .array(["100", "101"])]).isEmpty)
        #expect(errors(["vmid": "100", "ids": .array([.null, .null])])["ids"] == "type check ('string') failed - got a list of 2 values")
        #expect(errors(["vmid": "100", "ids": .array([.array(["100"])])])["ids"] != nil, "a list of lists is no list of VMIDs")
        #expect(errors(["vmid": "100", "size": "32G"]).isEmpty)
        #expect(errors(["vmid": "100", "size": "32X"])["size"] != nil)
    }

    @Test func propertyStringsReportEachKey() {
        #expect(errors(["vmid": "100", "net0": "virtio,bridge=vmbr0,firewall=1,tag=10"]).isEmpty)
        let message = errors(["vmid": "100", "net0": "virtio,bridge=vm br0,tag=5000"])["net0"]
        #expect(message?.hasPrefix("invalid format - format error\n") == true)
        #expect(message?.contains("net0.bridge: invalid format") == true)
        #expect(message?.contains("net0.tag: value must have a maximum value of 4094") == true)
        #expect(errors(["vmid": "100", "net0": "virtio,colour=red"])["net0"]
            == "invalid format - invalid key in comma-separated list property: colour")
        #expect(errors(["vmid": "100", "net0": "virtio,bridge=a,bridge=b"])["net0"]
            == "invalid format - duplicate key in comma-separated list property: bridge")
        #expect(errors(["vmid": "100", "net0": "bridge=vmbr0"])["net0"]?.contains("net0.model: property is missing") == true)
    }
}

@Suite struct FormatTests {
    @Test(arguments: [
        ("pve-vmid", "100", true), ("pve-vmid", "99", false), ("pve-node", "pve1", true), ("pve-node", "pve_1", false),
        ("pve-configid", "snap1", true), ("pve-configid", "1snap", false), ("pve-storage-id", "local-lvm", true),
        ("pve-storage-id", "l", false), ("mac-addr", "BC:24:11:5E:7A:01", true), ("mac-addr", "BD:24:11:5E:7A:01", false),
        ("ipv4", "192.168.1.1", true), ("ipv4", "256.1.1.1", false), ("ipv6", "fe80::1", true), ("ipv6", "fe80:::1", false),
        ("ipv6", "::ffff:10.0.0.1", true), ("CIDRv4", "10.0.0.1/24", true), ("CIDRv4", "10.0.0.1/4", false),
        ("pve-ipv4-config", "dhcp", true), ("pve-ipv6-config", "auto", true), ("pve-tag", "web_1", true),
        ("pve-tag", "-web", false), ("pve-userid", "root@pam", true), ("pve-userid", "root", false),
        ("pve-tokenid", "root@pam!ci", true), ("pve-volume-id", "local:iso/a.iso", true), ("pve-volume-id", "local", false),
        ("pve-startup-order", "order=1,up=30", true), ("pve-startup-order", "first", false),
        ("pve-task-status-type-list", "ok,error", true), ("pve-task-status-type-list", "ok,bad", false),
        ("email", "a@example.com", true), ("email", "nope", false), ("dns-name", "a.b-c.d", true),
    ])
    func checks(_ format: String, _ value: String, _ valid: Bool) {
        #expect((Formats.check(format, value) == nil) == valid, "\(format) \(value)")
    }

    @Test func sizes() {
        #expect(SizeFormat.parse("32G") == 32 << 30)
        #expect(SizeFormat.parse("1.5K") == 1536)
        #expect(SizeFormat.parse("4MiB") == 4 << 20)
        #expect(SizeFormat.parse("512") == 512)
        #expect(SizeFormat.parse("G") == nil)
        #expect(SizeFormat.parse("-1G") == nil)
        #expect(SizeFormat.format(32 << 30) == "32G")
        #expect(SizeFormat.format(104_858 << 10) == "104858K")
        #expect(SizeFormat.format(1000) == "1000")
    }

    @Test func propertyStringPrintOrder() {
        let keys: [String: Schema] = [
            "model": Schema.string().defaultKey(), "bridge": Schema.string().optional(), "firewall": Schema.boolean().optional(),
        ]
        #expect(PropertyString.print(["firewall": "1", "model": "virtio", "bridge": "vmbr0"], keys: keys)
            == "virtio,bridge=vmbr0,firewall=1")
    }

    @Test func typeText() {
        #expect(Schema.integer(minimum: 100, maximum: 999_999_999).typeText == "<integer> (100 - 999999999)")
        #expect(Schema.integer(minimum: 0).typeText == "<integer> (0 - N)")
        #expect(Schema.enumeration(["a", "b"]).typeText == "<a | b>")
        #expect(Schema.boolean().typeText == "<boolean>")
        let net = Schema.propertyString([
            "model": Schema.enumeration(["virtio", "e1000"]).defaultKey(), "bridge": Schema.string(format: "pve-bridge-id").optional(),
        ])
        #expect(net.typeText == "[model=]<virtio | e1000> [,bridge=<pve-bridge-id>]")
    }
}
