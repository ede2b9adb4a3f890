import FaroAPI
import FaroAPISpec
import FaroModel
import FaroSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// What the GUI loads to decide which entries to offer: a small list of the implemented
/// methods instead of the OpenAPI document, which itself goes out compressed.
@Suite struct MethodListTests {
    @Test func theListNamesEveryBoundMethodAndNoOther() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        var handlers = Handlers.table(node.services)
        let all = Set(APISpec.faro.methods.filter { handlers.handler(for: $0) != nil }.map(\.id))
        try await node.test { client in
            let response = try await client.execute(uri: "/api2/methods.json", method: .get) { $0 }
            #expect(response.status == .ok)
            let listed = response.data.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Set(listed) == all)
            #expect(listed.contains("GET /nodes/{node}/qemu/{vmid}/snapshot"))
            #expect(listed.contains("GET /nodes/{node}/network"))
            #expect(response.body.readableBytes < 20_000, "a few kilobytes, not megabytes")
        }
        // A method without a handler is not offered.
        handlers = HandlerTable()
        try await node.test(node.responder(handlers: handlers)) { client in
            let response = try await client.execute(uri: "/api2/methods.json", method: .get) { $0 }
            #expect(response.data.arrayValue == [])
        }
    }

    @Test func theOpenAPIDocumentIsCompressedWhenAccepted() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            let packed = try await client.execute(
                uri: "/api2/openapi.json", method: .get, headers: [.acceptEncoding: "gzip"]
            ) { $0 }
            let plain = try await client.execute(uri: "/api2/openapi.json", method: .get) { $0 }
            #expect(packed.headers[.contentEncoding] == "gzip")
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(packed.body.readableBytes * 5 < plain.body.readableBytes)
            let unpacked = try await SubprocessRunner().run(
                ["gzip", "-dc"], input: Array(packed.body.readableBytesView)
            ).checked()
            #expect(unpacked.standardOutput == Array(plain.body.readableBytesView))
        }
    }
}
