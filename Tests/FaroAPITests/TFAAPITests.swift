import FaroAPI
import FaroAccess
import FaroModel
import FaroSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A user imported from Proxmox with their `tfa.cfg` keeps the factor: the login asks for it
/// and a code from Debian's `oathtool` (at the test node's fixed clock) completes it.
@Suite struct TFAAPITests {
    static let oathtool = "/usr/bin/oathtool"

    static let importedFile = """
        {"users":{"alice@pve":{"totp":[{"id":"totp-7a3f","description":"imported phone","created":1690000000,\
        "entry":"otpauth://totp/alice%40pve?secret=JBSWY3DPEHPK3PXPJBSWY3DP&digits=6&algorithm=SHA1&period=30"}],\
        "u2f":[{"id":"u2f-old","description":"old","created":1600000000,"enable":false,"entry":{"key-handle":"kh"}}]}},\
        "u2f":{"appid":"https://pve.example:8006"}}
        """

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: oathtool), "needs oathtool (scripts/install-deps.sh)"))
    func importedUserLogsInWithTheirTOTP() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.access.updateConfig { config in
            var user = UserConfig.User()
            user.keys = "x"
            config.users["alice@pve"] = user
        }
        try await node.access.setPassword(UserID("alice@pve")!, "alice-password")
        try await node.store.create("priv/tfa.cfg", data: Array(Self.importedFile.utf8))
        let code = try await SubprocessRunner().run([Self.oathtool, "--totp", "-b", "-N", "@1700000000", "JBSWY3DPEHPK3PXPJBSWY3DP"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let responder = node.responder(authenticator: NetworkAuthenticator(verifier: node.access))
        try await node.test(responder) { client in
            let first = try await client.call(.post, "/access/ticket", ["username": "alice@pve", "password": "alice-password"])
            #expect(first.data["NeedTFA"] == 1)
            let half = first.data["ticket"]?.stringValue ?? ""
            #expect(half.hasPrefix("PVE:!tfa!{\"totp\"%3Atrue}:"))
            try await client.execute(uri: "/api2/json/version", method: .get, headers: [.cookie: "PVEAuthCookie=\(half)"]) {
                #expect($0.status.code == 401)
            }
            let second = try await client.call(.post, "/access/ticket", [
                "username": "alice@pve", "tfa-challenge": half, "password": "totp:\(code)",
            ])
            #expect(second.status == .ok)
            #expect(second.data["ticket"]?.stringValue?.hasPrefix("PVE:alice@pve:") == true)
            let replay = try await client.call(.post, "/access/ticket", [
                "username": "alice@pve", "tfa-challenge": half, "password": "totp:\(code)",
            ])
            #expect(replay.status.code == 401)
        }
        // The file is still Proxmox's: the unknown members are there, nothing was rewritten
        // but what the login changed (nothing in tfa.cfg).
        let stored = try await node.store.read("priv/tfa.cfg")?.text ?? ""
        #expect(try JSONParser.parse(stored) == JSONParser.parse(Self.importedFile))
    }
}
