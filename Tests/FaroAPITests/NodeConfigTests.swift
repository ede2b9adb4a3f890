import FaroAPI
import FaroAPISpec
import FaroModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// GET/PUT /nodes/{node}/config: the node's notes and settings in `nodes/<node>/config`.
@Suite struct NodeConfigTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    let base = "/api2/json/nodes/testnode/config"

    @Test func notesAreStoredAsCommentLinesAndComeBackWithADigest() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            try await client.execute(uri: base, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.data == .object([:]), "a node without a config has no settings")
            }
            let notes = "# Rack 4\nBlue cable: 100%"
            try await client.execute(
                uri: base, method: .put, headers: Self.form,
                body: ByteBuffer(string: "description=\(notes.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&startall-onboot-delay=30")
            ) { response in #expect(response.status == .ok) }
            let stored = try await node.store.read("nodes/testnode/config")
            #expect(stored?.text == "## Rack 4\n#Blue cable: 100%25\nstartall-onboot-delay: 30\n")
            let digest = try await client.execute(uri: base, method: .get) { response in
                #expect(response.data["description"]?.stringValue == notes)
                #expect(response.data["startall-onboot-delay"] == 30)
                return response.data["digest"]?.stringValue ?? ""
            }
            #expect(digest == stored?.digest)
            try await client.execute(uri: base + "?property=description", method: .get) { response in
                #expect(response.data == .object(["description": .string(notes)]))
            }
            try await client.execute(
                uri: base, method: .put, headers: Self.form, body: ByteBuffer(string: "delete=description&digest=\(digest)")
            ) { response in #expect(response.status == .ok) }
            #expect(try await node.store.read("nodes/testnode/config")?.text == "startall-onboot-delay: 30\n")
            try await client.execute(
                uri: base, method: .put, headers: Self.form, body: ByteBuffer(string: "ballooning-target=50&digest=\(digest)")
            ) { response in
                #expect(response.status.code == 500)
                #expect(response.status.reasonPhrase.contains("detected modified configuration"))
            }
        }
    }

    @Test func badSettingsAreRefusedPerParameter() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            for (body, parameter) in [
                ("startall-onboot-delay=301", "startall-onboot-delay"), ("delete=nosuch", "nosuch"),
                ("delete=description&description=x", "description"), ("wakeonlan=not-a-mac", "wakeonlan"),
            ] {
                try await client.execute(uri: base, method: .put, headers: Self.form, body: ByteBuffer(string: body)) { response in
                    #expect(response.status.code == 400, "\(body)")
                    #expect(response.json["errors"]?[parameter] != nil, "\(body): \(response.text)")
                }
            }
            #expect(try await node.store.read("nodes/testnode/config") == nil, "nothing was written")
        }
    }

    @Test func parametersMatchTheProxmoxSchema() {
        let get = APISpec.faro.method(.get, "/nodes/x/config")
        #expect(Set(get?.parameters.properties?.keys ?? [:].keys) == ["node", "property"])
        let put = APISpec.faro.method(.put, "/nodes/x/config")
        let expected = Set([
            "node", "acme", "ballooning-target", "delete", "description", "digest", "startall-onboot-delay", "wakeonlan",
        ]).union((0...5).map { "acmedomain\($0)" })
        #expect(Set(put?.parameters.properties?.keys ?? [:].keys) == expected)
        #expect(put?.parameters.properties?.filter { !$0.value.isOptional }.keys.sorted() == ["node"])
    }
}
