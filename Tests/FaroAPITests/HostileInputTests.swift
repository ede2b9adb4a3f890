import FaroAPI
import FaroAPISpec
import FaroAccess
import FaroModel
import FaroSchema
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The attacks of issue 24, each of which once worked: lines smuggled into a container config,
/// numbers that trapped the daemon, an option that made datacenter.cfg unreadable.
@Suite struct HostileInputTests {
    static let containerConfig = "arch: amd64\nhostname: ct200\nmemory: 512\nostype: debian\nrootfs: local:200/vm-200-disk-0.raw,size=1G\n"

    @Test func aContainerAdminCannotAddLinesToTheConfig() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        _ = try await node.store.create("nodes/testnode/lxc/200.conf", data: Array(Self.containerConfig.utf8))
        let admin = try await node.responder(as: "ct-admin@pve", role: "PVEVMAdmin", on: "/vms/200")
        try await node.test(admin) { client in
            let attacks: [(String, String)] = [
                ("nameserver", "192.0.2.1\nlxc.mount.entry: /srv mnt/x none bind,create=dir 0 0"),
                ("searchdomain", "example.com\nlxc.mount.entry: /srv mnt/x none bind,create=dir 0 0"),
                ("tags", "a\nmp1: /srv,mp=/mnt/y"),
                ("tags", "a\rmp1: /srv,mp=/mnt/y"),
                ("hostname", "ct\u{0}x"),
                ("net0", "name=eth0,bridge=vmbr0\nlxc.apparmor.profile: unconfined"),
            ]
            for (key, value) in attacks {
                let reply = try await client.call(.put, "/nodes/testnode/lxc/200/config", [key: value])
                #expect(reply.status == .badRequest, "\(key): \(reply.text)")
                #expect(reply.json["errors"]?[key] != nil, "\(key): \(reply.text)")
            }
            #expect(try await node.store.read("nodes/testnode/lxc/200.conf")?.text == Self.containerConfig, "nothing changed")
            let fine = try await client.call(.put, "/nodes/testnode/lxc/200/config", ["nameserver": "192.0.2.1", "description": "two\nlines"])
            #expect(fine.status == .ok, "\(fine.text)")
            let again = try await client.call(.put, "/nodes/testnode/lxc/200/config", ["tags": "a;b"])
            #expect(again.status == .ok, "a written config parses again: \(again.text)")
        }
    }

    @Test func hugeNumbersGetA400WhoeverSendsThem() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let nobody = try await node.responder(as: "nobody@pve", role: "NoAccess", on: "/vms/999")
        let token = node.responder(authenticator: FixedAuthenticator(Identity(user: UserID("nobody@pve!ci")!, method: .token)))
        for (responder, expected) in [(node.responder(), HTTPResponse.Status.badRequest), (nobody, .forbidden), (token, .forbidden)] {
            try await node.test(responder) { client in
                for number in ["1e19", "-1e19", "9223372036854775808", "1e999999"] {
                    let reply = try await client.execute(
                        uri: "/api2/json/cluster/options", method: .put, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"max_workers": \#(number)}"#))
                    #expect(reply.status == (number == "1e999999" ? .badRequest : expected), "\(number): \(reply.text)")
                }
            }
        }
        #expect(try await node.store.read("datacenter.cfg") == nil, "nothing was written")
    }

    /// Every integer parameter of every method, sent 1e19, -1e19, 2^63 and 1e999999, as JSON
    /// and as form data (query strings for GET and DELETE, path segments for path variables),
    /// is refused with a 400, and the daemon is still there to say so.
    @Test func everyIntegerParameterRefusesNumbersThatDoNotFit() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let values = ["1e19", "-1e19", "9223372036854775808", "1e999999"]
        let checked = try await node.test { client in
            var checked = 0
            for method in APISpec.faro.methods where !method.streamsEvents {
                let properties = method.parameters.properties ?? [:]
                for name in properties.keys.sorted() where properties[name]?.type == .integer {
                    for value in values {
                        for reply in try await Self.send(client, method, name, value) {
                            checked += 1
                            #expect(reply.status == .badRequest, "\(method.id) \(name)=\(value): \(reply.status) \(reply.text)")
                            if value != "1e999999" || method.pathVariables.contains(name) || [.get, .delete].contains(method.verb) {
                                #expect(reply.json["errors"]?[name] != nil, "\(method.id) \(name)=\(value): \(reply.text)")
                            }
                        }
                    }
                }
            }
            return checked
        }
        #expect(checked > 200, "the walk reached the integer parameters (\(checked) requests)")
    }

    static func send(_ client: any TestClientProtocol, _ method: APIMethod, _ name: String, _ value: String) async throws -> [TestResponse] {
        let isPath = method.pathVariables.contains(name)
        let path = method.pathVariables.reduce(method.path) { path, variable in
            let sample = variable == name ? value : variable == "node" ? "testnode" : variable == "vmid" ? "100" : "x"
            return path.replacingOccurrences(of: "{\(variable)}", with: sample)
        }
        let verb = HTTPRequest.Method(rawValue: method.verb.rawValue)!
        if isPath { return [try await client.call(verb, path)] }
        if method.verb == .get || method.verb == .delete {
            return [try await client.execute(uri: "/api2/json\(path)?\(name)=\(value)", method: verb) { $0 }]
        }
        let json = try await client.execute(
            uri: "/api2/json" + path, method: verb, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"\#(name)": \#(value)}"#))
        let form = try await client.execute(
            uri: "/api2/json" + path, method: verb, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "\(name)=\(value)"))
        return [json, form]
    }

    @Test func anUnreadableOptionTakesNothingDownAndRootCanRepairIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let empty = try await client.call(.put, "/cluster/options", ["u2f": ""])
            #expect(empty.status == .ok || empty.status == .badRequest, "\(empty.text)")
            #expect(try await client.call(.get, "/version").status == .ok)
            #expect(try await client.call(.get, "/cluster/options").status == .ok)
        }
        try await node.store.write("datacenter.cfg", text: "keyboard: de\nthis line is broken\nnext-id: lower=500\n")
        try await node.test { client in
            let version = try await client.call(.get, "/version")
            #expect(version.status == .ok)
            #expect(try await client.call(.get, "/cluster/nextid").data == "500")
            #expect(try await client.call(.get, "/cluster/options").data["keyboard"] == "de")
            #expect(try await client.call(.put, "/cluster/options", ["delete": "keyboard"]).status == .ok)
        }
        #expect(try await node.store.read("datacenter.cfg")?.text == "next-id: lower=500\n", "the broken line is gone")
    }

    @Test func aRepeatedParameterIsRefusedWithoutEchoingIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let body = Array(repeating: "username=root%40pam", count: 4000).joined(separator: "&") + "&password=x"
            let reply = try await client.execute(
                uri: "/api2/json/access/ticket", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: body))
            #expect(reply.status == .badRequest)
            #expect(reply.json["errors"]?["username"] == "type check ('string') failed - got a list of 4000 values")
            let tooMany = Array(repeating: "username=root%40pam", count: 5000).joined(separator: "&")
            let refused = try await client.execute(
                uri: "/api2/json/access/ticket", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: tooMany))
            #expect(refused.status == .badRequest)
            #expect(refused.status.reasonPhrase.contains("too many parameters"))
        }
    }
}
