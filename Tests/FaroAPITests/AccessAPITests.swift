import FaroAPI
import FaroAccess
import FaroModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Foundation

/// Access control through the HTTP API: logins, tickets, CSRF, tokens, permissions.
@Suite struct AccessAPITests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// A node whose network listener authenticates with tickets and tokens, with users
    /// alice (PVEAuditor and a role with Permissions.Modify on /vms/100) and bob.
    func withNode(_ body: @Sendable (TestNode, any TestClientProtocol) async throws -> Void) async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            config.users["alice@pve"] = UserConfig.User()
            config.users["bob@pve"] = UserConfig.User()
            config.customRoles["Delegator"] = ["Permissions.Modify", "VM.Audit"]
            config.setACL(
                path: "/vms/100", members: [.user("alice@pve")], roles: ["PVEAuditor", "Delegator"], propagate: true, delete: false)
        }
        try await node.access.setPassword(UserID("alice@pve")!, "alice-password")
        try await node.access.setPassword(UserID("bob@pve")!, "bob-password")
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("name: mine\n".utf8))
        try await node.store.create("nodes/testnode/qemu-server/101.conf", data: Array("name: theirs\n".utf8))
        let responder = node.responder(authenticator: NetworkAuthenticator(verifier: node.access))
        try await node.test(responder) { client in try await body(node, client) }
    }

    func login(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> (ticket: String, csrf: String) {
        try await client.execute(
            uri: "/api2/json/access/ticket", method: .post, headers: Self.form,
            body: ByteBuffer(string: "username=\(user)&password=\(password)")
        ) { response in
            #expect(response.status == .ok)
            return (response.data["ticket"]?.stringValue ?? "", response.data["CSRFPreventionToken"]?.stringValue ?? "")
        }
    }

    func cookie(_ ticket: String) -> HTTPFields { [.cookie: "PVEAuthCookie=\(ticket)"] }

    @Test func loginIssuesTicketsAndRefusesBadCredentialsAlike() async throws {
        try await withNode { _, client in
            let (ticket, csrf) = try await login(client, "alice@pve", "alice-password")
            #expect(ticket.hasPrefix("PVE:alice@pve:"))
            #expect(csrf.count == 8 + 1 + 43)
            try await client.execute(
                uri: "/api2/json/access/ticket", method: .post, headers: Self.form,
                body: ByteBuffer(string: "username=alice&realm=pve&password=alice-password")
            ) { response in #expect(response.data["username"] == "alice@pve") }
            for body in ["username=alice@pve&password=wrong", "username=nobody@pve&password=alice-password",
                "username=alice@ldap&password=alice-password"]
            {
                try await client.execute(
                    uri: "/api2/json/access/ticket", method: .post, headers: Self.form, body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status.code == 401)
                    #expect(response.status.reasonPhrase == "authentication failure")
                    #expect(response.json["message"] == "authentication failure\n")
                }
            }
        }
    }

    @Test func ticketsWorkAsCookieOrHeaderAndRenew() async throws {
        try await withNode { _, client in
            let (ticket, _) = try await login(client, "alice@pve", "alice-password")
            let escaped = ticket.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "=", with: "%3D")
            for headers: HTTPFields in [cookie(ticket), cookie(escaped), [.authorization: "PVEAuthCookie=\(ticket)"]] {
                try await client.execute(uri: "/api2/json/version", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                }
            }
            let tampered = ticket.replacingOccurrences(of: "alice@pve", with: "bob@pve")
            try await client.execute(uri: "/api2/json/version", method: .get, headers: cookie(tampered)) { response in
                #expect(response.status.code == 401)
                #expect(response.body.readableBytes == 0)
            }
            let form = "username=alice@pve&password=" + (ticket.addingPercentEncodingForForm())
            try await client.execute(uri: "/api2/json/access/ticket", method: .post, headers: Self.form, body: ByteBuffer(string: form)) {
                response in
                #expect(response.status == .ok)
                #expect(response.data["ticket"]?.stringValue?.hasPrefix("PVE:alice@pve:") == true)
            }
        }
    }

    @Test func writesWithATicketNeedTheCSRFToken() async throws {
        try await withNode { _, client in
            let (ticket, csrf) = try await login(client, "alice@pve", "alice-password")
            let uri = "/api2/json/access/users/alice@pve/token/mine"
            try await client.execute(uri: uri, method: .post, headers: cookie(ticket)) { response in
                #expect(response.status.code == 401)
                #expect(response.status.reasonPhrase == "Permission denied - invalid csrf token")
            }
            var headers = cookie(ticket)
            headers[HTTPField.Name("CSRFPreventionToken")!] = csrf
            try await client.execute(uri: uri, method: .post, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.data["full-tokenid"] == "alice@pve!mine")
            }
        }
    }

    @Test func apiTokensAuthenticateWithoutCSRF() async throws {
        try await withNode { node, client in
            let secret = try await createToken(node, "alice@pve", "ci", privsep: false)
            let header: HTTPFields = [.authorization: "PVEAPIToken=alice@pve!ci=\(secret)"]
            try await client.execute(uri: "/api2/json/access/users/alice@pve/token/ci", method: .put, headers: header) { response in
                #expect(response.status.code == 403, "a token may not manage its user's tokens")
            }
            try await client.execute(uri: "/api2/json/cluster/resources?type=vm", method: .get, headers: header) { response in
                #expect(response.data.arrayValue?.map { $0["vmid"] } == [100])
            }
            let wrong: HTTPFields = [.authorization: "PVEAPIToken=alice@pve!ci=00000000-0000-0000-0000-000000000000"]
            try await client.execute(uri: "/api2/json/version", method: .get, headers: wrong) { response in
                #expect(response.status.code == 401)
            }
            try await client.execute(
                uri: "/api2/json/access/ticket", method: .post, headers: header,
                body: ByteBuffer(string: "username=alice@pve&password=x")
            ) { response in
                #expect(response.status.code == 403)
                #expect(response.status.reasonPhrase.contains("not available with API token"))
            }
        }
    }

    @Test func privilegeSeparatedTokensGetTheIntersection() async throws {
        try await withNode { node, client in
            let secret = try await createToken(node, "alice@pve", "sep", privsep: true)
            try await node.access.updateConfig { config in
                config.setACL(path: "/", members: [.token("alice@pve!sep")], roles: ["Administrator"], propagate: true, delete: false)
            }
            let header: HTTPFields = [.authorization: "PVEAPIToken=alice@pve!sep=\(secret)"]
            try await client.execute(uri: "/api2/json/nodes/testnode/status", method: .get, headers: header) { response in
                #expect(response.status.code == 403, "alice herself lacks Sys.Audit")
            }
            try await client.execute(uri: "/api2/json/cluster/resources?type=vm", method: .get, headers: header) { response in
                #expect(response.data.arrayValue?.map { $0["vmid"] } == [100])
            }
        }
    }

    @Test func usersCannotRaiseTheirOwnPrivileges() async throws {
        try await withNode { _, client in
            let (ticket, csrf) = try await login(client, "alice@pve", "alice-password")
            var headers = cookie(ticket)
            headers[HTTPField.Name("CSRFPreventionToken")!] = csrf
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/api2/json/access/acl", method: .put, headers: headers,
                body: ByteBuffer(string: "path=/vms/100&users=alice@pve&roles=Administrator")
            ) { response in
                #expect(response.status.code == 403, "Administrator holds privileges alice lacks")
            }
            try await client.execute(
                uri: "/api2/json/access/acl", method: .put, headers: headers,
                body: ByteBuffer(string: "path=/vms/100&users=bob@pve&roles=PVEAuditor")
            ) { response in
                #expect(response.status == .ok, "delegating what she holds is fine")
            }
            try await client.execute(
                uri: "/api2/json/access/acl", method: .put, headers: headers,
                body: ByteBuffer(string: "path=/nodes&users=alice@pve&roles=PVEAuditor")
            ) { response in
                #expect(response.status.code == 403)
            }
            try await client.execute(
                uri: "/api2/json/access/password", method: .put, headers: headers,
                body: ByteBuffer(string: "userid=bob@pve&password=new-password")
            ) { response in
                #expect(response.status.code == 403)
            }
            try await client.execute(uri: "/api2/json/access/users/bob@pve/token/evil", method: .post, headers: headers) { response in
                #expect(response.status.code == 403)
            }
            try await client.execute(
                uri: "/api2/json/access/roles/Delegator", method: .put, headers: headers,
                body: ByteBuffer(string: "privs=Sys.Modify&append=1")
            ) { response in
                #expect(response.status.code == 403)
            }
            try await client.execute(
                uri: "/api2/json/access/password", method: .put, headers: headers,
                body: ByteBuffer(string: "userid=alice@pve&password=a-new-password")
            ) { response in
                #expect(response.status == .ok, "everyone may change their own password")
            }
        }
    }

    @Test func listsShowOnlyWhatTheCallerMaySee() async throws {
        try await withNode { _, client in
            let (ticket, _) = try await login(client, "alice@pve", "alice-password")
            try await client.execute(uri: "/api2/json/cluster/resources", method: .get, headers: cookie(ticket)) { response in
                #expect(response.data.arrayValue?.compactMap { $0["id"]?.stringValue } == ["node/testnode", "qemu/100"])
                #expect(response.data.arrayValue?.first?["maxmem"] == nil, "a node's figures need Sys.Audit")
            }
            try await client.execute(uri: "/api2/json/access/users", method: .get, headers: cookie(ticket)) { response in
                #expect(response.data.arrayValue?.compactMap { $0["userid"]?.stringValue } == ["alice@pve"])
            }
            try await client.execute(uri: "/api2/json/access/permissions", method: .get, headers: cookie(ticket)) { response in
                #expect(response.data["/vms/100"]?["VM.Audit"] == 1)
                #expect(response.data["/nodes"] == nil)
            }
            try await client.execute(uri: "/api2/json/access/permissions?userid=bob@pve", method: .get, headers: cookie(ticket)) {
                response in
                #expect(response.status.code == 403)
            }
            try await client.execute(uri: "/api2/json/nodes/testnode/status", method: .get, headers: cookie(ticket)) { response in
                #expect(response.status.code == 403)
                #expect(response.status.reasonPhrase == "Permission check failed (/nodes/testnode, Sys.Audit)")
            }
        }
    }

    func createToken(_ node: TestNode, _ user: String, _ name: String, privsep: Bool) async throws -> String {
        let root = node.responder()
        return try await node.test(root) { client in
            try await client.execute(
                uri: "/api2/json/access/users/\(user)/token/\(name)?privsep=\(privsep ? 1 : 0)", method: .post
            ) { response in
                #expect(response.status == .ok)
                return response.data["value"]?.stringValue ?? ""
            }
        }
    }
}

extension String {
    func addingPercentEncodingForForm() -> String {
        var out = ""
        for byte in utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isLetter || c.isNumber || "-._~".contains(c) { out.append(c) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}
