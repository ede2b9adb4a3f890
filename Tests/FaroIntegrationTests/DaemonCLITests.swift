import FaroModel
import FaroTesting
import Foundation
import Testing

/// The real daemon on port 0 under a temporary root, driven by the real CLI.
@Suite(.serialized) struct DaemonCLITests {
    @Test func pveshAgainstTheLocalSocket() async throws {
        try await withDaemon { daemon in
            let version = try Shell.faro(daemon.root, ["pvesh", "get", "/version", "--output-format", "json"])
            #expect(version.status == 0, "\(version.error)")
            let parsed = try JSONParser.parse(version.output.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(parsed["version"] == "8.4.1")

            let text = try Shell.faro(daemon.root, ["pvesh", "get", "/version"])
            #expect(text.output.contains("│ release │ 8.4 "))

            let list = try Shell.faro(daemon.root, ["pvesh", "ls", "/"])
            #expect(list.output == "Dr---        access\nDr---        cluster\nDr---        nodes\nDrwcd        pools\nDr-c-        storage\n-r---        version\n")

            let nodes = try Shell.faro(daemon.root, ["pvesh", "get", "/nodes", "--noborder"])
            #expect(nodes.output.split(separator: "\n").first?.hasPrefix("node ") == true)
            #expect(nodes.output.contains("testnode"))

            let resources = try Shell.faro(daemon.root, ["pvesh", "get", "/cluster/resources", "--output-format", "json"])
            let entries = try JSONParser.parse(resources.output.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(entries.arrayValue?.first?["id"] == "node/testnode")

            let yaml = try Shell.faro(daemon.root, ["pvesh", "get", "/nodes/testnode/time", "--output-format", "yaml"])
            #expect(yaml.output.hasPrefix("---\nlocaltime: "))

            let pretty = try Shell.faro(daemon.root, ["pvesh", "get", "/cluster/nextid", "--output-format", "json-pretty"])
            #expect(pretty.output == "\"100\"\n")

            let usage = try Shell.faro(daemon.root, ["pvesh", "usage", "/cluster/nextid", "-v"])
            #expect(usage.output.hasPrefix("USAGE: pvesh get /cluster/nextid  [OPTIONS]\n"))
            #expect(usage.output.contains("<integer> (100 - 999999999)"))

            let nodeList = try Shell.faro(daemon.root, ["pvesh", "ls", "/nodes/testnode"])
            #expect(nodeList.output.contains("-r---        status"))
            #expect(nodeList.output.contains("Dr---        tasks"))
        }
    }

    @Test func pveshReportsErrorsLikeProxmox() async throws {
        try await withDaemon { daemon in
            let bad = try Shell.faro(daemon.root, ["pvesh", "get", "/cluster/nextid", "--vmid", "abc"])
            #expect(bad.status == 255)
            #expect(bad.error == "Parameter verification failed. (400)\n\nvmid: type check ('integer') failed - got 'abc'\n")

            let missing = try Shell.faro(daemon.root, ["pvesh", "get", "/no/such/path"])
            #expect(missing.status == 255)
            #expect(missing.error == "no such resource '/no/such/path'\n")

            let unknownOption = try Shell.faro(daemon.root, ["pvesh", "get", "/version", "--colour", "red"])
            #expect(unknownOption.status == 255)
            #expect(unknownOption.error.contains("unknown option '--colour'"))

            let noHandler = try Shell.faro(daemon.root, ["pvesh", "create", "/version"])
            #expect(noHandler.error.contains("no 'POST' handler for '/version'"))

            let foreign = try Shell.faro(daemon.root, ["pvesh", "get", "/nodes/othernode/status"])
            #expect(foreign.error == "no such cluster node 'othernode' (500)\n")
        }
    }

    @Test func aSymlinkNamedPveshActsAsPvesh() async throws {
        try await withDaemon { daemon in
            let link = daemon.root + "/pvesh"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: DaemonProcess.binaryPath())
            let result = try Shell.run(link, ["get", "/version", "--output-format", "json"], environment: ["FARO_ROOT": daemon.root])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("\"release\":\"8.4\""))
        }
    }

    @Test func apidumpPrintsTheOpenAPIDocument() throws {
        let result = try Shell.run(DaemonProcess.binaryPath(), ["apidump"])
        let document = try JSONParser.parse(result.output)
        #expect(document["openapi"] == "3.1.0")
        #expect(document["paths"]?["/api2/json/cluster/resources"]?["get"] != nil)
    }
}

/// The CLI over HTTPS: `--host` with a password login or an API token.
@Suite(.serialized) struct RemoteCLITests {
    @Test func pveshLogsInOverHTTPS() async throws {
        try await withDaemon { daemon in
            #expect(try Shell.faro(daemon.root, ["pveum", "user", "add", "carol@pve", "--password", "carol-secret"]).status == 0)
            #expect(try Shell.faro(daemon.root, ["pveum", "acl", "modify", "/", "--users", "carol@pve", "--roles", "PVEAuditor"]).status == 0)
            let host = "127.0.0.1:\(daemon.port)"
            let byPassword = try Shell.run(
                DaemonProcess.binaryPath(), ["pvesh", "--host", host, "--user", "carol@pve", "get", "/nodes", "--output-format", "json"],
                input: "carol-secret\n")
            #expect(byPassword.status == 0, "\(byPassword.error)")
            #expect(byPassword.output.contains("\"node\":\"testnode\""))

            let wrong = try Shell.run(
                DaemonProcess.binaryPath(), ["pvesh", "--host", host, "--user", "carol@pve", "get", "/version"], input: "nope\n")
            #expect(wrong.status != 0)
            #expect(wrong.error.contains("login failed: authentication failure"))

            let token = try Shell.faro(daemon.root, ["pveum", "user", "token", "add", "carol@pve", "cli", "--output-format", "json"])
            let secret = try JSONParser.parse(token.output.trimmingCharacters(in: .whitespacesAndNewlines))["value"]?.stringValue ?? ""
            #expect(try Shell.faro(daemon.root, ["pveum", "acl", "modify", "/", "--tokens", "carol@pve!cli", "--roles", "PVEAuditor"]).status == 0)
            let byToken = try Shell.run(
                DaemonProcess.binaryPath(), ["pvesh", "--host", host, "--token", "carol@pve!cli=\(secret)", "get", "/cluster/status"])
            #expect(byToken.status == 0, "\(byToken.error)")
            #expect(byToken.output.contains("testnode"))
        }
    }
}
