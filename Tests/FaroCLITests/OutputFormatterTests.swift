import FaroAPISpec
import FaroCLI
import FaroModel
import FaroSchema
import Testing

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
