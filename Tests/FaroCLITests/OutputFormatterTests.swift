import FaroAPISpec
import FaroModel
import FaroSchema
import Testing

@testable import FaroCLI
@testable import FaroClient

@Suite struct OutputFormatterTests {
    @Test func objectsPrintAsKeyValueTables() {
        let text = OutputFormatter().render(["version": "8.4.1", "release": "8.4"], returns: nil)
        #expect(text == """
            ┌─────────┬───────┐
            │ key     │ value │
            ╞═════════╪═══════╡
            │ release │ 8.4   │
            ├─────────┼───────┤
            │ version │ 8.4.1 │
            └─────────┴───────┘

            """)
    }

    @Test func listsUseTheChildLinkColumnFirst() {
        let returns = Schema.array(of: .object(["node": .string(), "status": .string()])).with { $0.childLink = "{node}" }
        let value: JSONValue = [["status": "online", "node": "pve1", "uptime": 5]]
        let text = OutputFormatter(border: false).render(value, returns: returns)
        #expect(text == "node status uptime\npve1 online 5\n")
        #expect(OutputFormatter(border: false, header: false).render(value, returns: returns) == "pve1 online 5\n")
    }

    @Test func tablesFollowProxmoxsRules() {
        let returns = Schema.array(of: .object([
            "id": .string(), "mem": Schema.integer().optional(), "note": Schema.string().defaulting("none").optional(),
        ]))
        let value: JSONValue = [["id": "b", "mem": 2048], ["id": "a", "mem": 5, "note": "x\ny"]]
        #expect(OutputFormatter().render(value, returns: returns) == """
            ┌────┬──────┬──────┐
            │ id │  mem │ note │
            ╞════╪══════╪══════╡
            │ a  │    5 │ x    │
            │    │      │ y    │
            ├────┼──────┼──────┤
            │ b  │ 2048 │ none │
            └────┴──────┴──────┘

            """, "sorted by the first column, numbers right-aligned, a cell of two lines, the default where a value is missing")
        #expect(OutputFormatter(border: false).render(value, returns: returns) == lines("id  mem note", "a     5 x", "        y", "b  2048 none"))
        #expect(OutputFormatter(format: .jsonPretty).render(["a": 1], returns: nil) == "{\n   \"a\" : 1\n}\n")
    }

    @Test func requiredColumnsComeBeforeOptionalOnes() {
        let returns = Schema.array(of: .object([
            "path": .string(), "type": .string(), "ugid": .string(), "roleid": .string(), "propagate": Schema.boolean().optional(),
        ]))
        let entry: JSONValue = ["path": "/", "type": "user", "ugid": "a@pve", "roleid": "PVEAuditor", "propagate": 1, "extra": 0]
        #expect(OutputFormatter.columns([entry], returns: returns) == ["path", "roleid", "type", "ugid", "propagate", "extra"])
    }

    @Test func permissionsPrintOneLineAPrivilege() {
        let permissions: JSONValue = ["/vms": ["VM.Audit": 1], "/": ["Sys.Audit": 1, "VM.Audit": 0]]
        #expect(PermissionText.render(permissions, [:], OutputFormatter()) == """
            ┌──────────┬───────────────┐
            │ ACL path │ Permissions   │
            ╞══════════╪═══════════════╡
            │ /        │ Sys.Audit (*) │
            │          │ VM.Audit      │
            ├──────────┼───────────────┤
            │ /vms     │ VM.Audit (*)  │
            └──────────┴───────────────┘
            Permissions marked with '(*)' have the 'propagate' flag set.

            """)
    }

    @Test func errorsPrintAsProxmoxsCLIsDo() {
        func reply(_ status: Int, _ body: String) -> APIReply { APIReply(status: status, reason: "", body: Array(body.utf8)) }
        #expect(CommandTableTool.failureText(reply(500, #"{"data":null,"message":"VM 100 already running\n"}"#))
            == "VM 100 already running\n")
        #expect(CommandTableTool.failureText(reply(400,
            #"{"data":null,"message":"Parameter verification failed.","errors":{"vmid":"invalid format","cores":"out of range"}}"#))
            == "400 Parameter verification failed.\ncores: out of range\nvmid: invalid format\n")
    }

    @Test func jsonAndYaml() {
        let value: JSONValue = ["a": [1, "x: y"], "b": nil, "c": ["d": true]]
        #expect(OutputFormatter(format: .json).render(value, returns: nil) == #"{"a":[1,"x: y"],"b":null,"c":{"d":true}}"# + "\n")
        #expect(OutputFormatter(format: .yaml).render(value, returns: nil) == """
            ---
            a:
              - 1
              - "x: y"
            b: ~
            c:
              d: true

            """)
        #expect(OutputFormatter(format: .yaml).render([["id": "node/pve", "cpu": 0.5]], returns: nil)
            == "---\n- cpu: 0.5\n  id: node/pve\n")
    }

    @Test func scalarsPrintPlain() {
        #expect(OutputFormatter().render("100", returns: nil) == "100\n")
        #expect(OutputFormatter().render(nil, returns: nil) == "")
    }
}

@Suite struct SchemaArgumentsTests {
    let schema = Schema.object([
        "vmid": Schema.integer().optional(), "force": Schema.boolean().optional(), "vms": Schema.string().optional(),
    ])

    @Test func parsesProxmoxOptionForms() throws {
        #expect(try SchemaArguments.parse(["--vmid", "100", "-force"], schema: schema) == ["vmid": "100", "force": "1"])
        #expect(try SchemaArguments.parse(["--force", "no", "--vmid=7"], schema: schema) == ["vmid": "7", "force": "0"])
        #expect(try SchemaArguments.parse(["--force", "--vmid", "1"], schema: schema) == ["vmid": "1", "force": "1"])
        #expect(try SchemaArguments.parse(["--vms", "1", "--vms", "2"], schema: schema) == ["vms": ["1", "2"]])
    }

    @Test func rejectsMistakes() {
        #expect(throws: UsageError.self) { try SchemaArguments.parse(["--bogus", "1"], schema: schema) }
        #expect(throws: UsageError.self) { try SchemaArguments.parse(["--vmid"], schema: schema) }
        #expect(throws: UsageError.self) { try SchemaArguments.parse(["stray"], schema: schema) }
        #expect(throws: UsageError.self) { try SchemaArguments.parse(["--force", "maybe"], schema: schema) == [:] }
        #expect(throws: UsageError.self) { try SchemaArguments.parse(["--vmid", "1"], schema: schema, skipping: ["vmid"]) }
    }

    @Test func usageTextComesFromTheDeclaration() throws {
        let method = try #require(APISpec.faro.method(.get, "/cluster/nextid"))
        #expect(Usage.text(for: method, command: "pvesh get /cluster/nextid", verbose: false)
            == "USAGE: pvesh get /cluster/nextid  [OPTIONS]\n")
        let verbose = Usage.text(for: method, command: "pvesh get /cluster/nextid", verbose: true)
        #expect(verbose.contains("\n  --vmid        <integer> (100 - 999999999)\n\n                The (unique) ID of the VM."))
    }
}
