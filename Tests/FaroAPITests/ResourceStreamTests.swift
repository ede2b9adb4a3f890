@testable import FaroAPI
import FaroAPISpec
import FaroAccess
import FaroModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The live resource stream: a full list first, then only what changed, per caller's view.
@Suite(.timeLimit(.minutes(1))) struct ResourceStreamTests {
    /// Collects the `resources` events of one stream running in the background.
    final class Subscriber: Sendable {
        let task: Task<Void, any Error>
        let events: AsyncStream<JSONValue>

        init(_ node: TestNode, _ identity: Identity, type: String? = nil) {
            let (events, continuation) = AsyncStream<JSONValue>.makeStream()
            self.events = events
            let stream = ResourceStream(
                resources: node.services.resources, authorizer: node.services.authorizer,
                identity: identity, type: type)
            task = Task {
                try await stream.run { event in
                    guard event.event == "resources", let data = event.data else { return }
                    continuation.yield(try JSONParser.parse(data))
                }
            }
        }

        /// The next event whose data satisfies `condition` (earlier ones are skipped).
        func next(where condition: (JSONValue) -> Bool) async -> JSONValue? {
            for await event in events where condition(event) { return event }
            return nil
        }

        deinit { task.cancel() }
    }

    static func ids(_ event: JSONValue?, _ key: String) -> [String] {
        event?[key]?.arrayValue?.compactMap { $0["id"]?.stringValue ?? $0.stringValue } ?? []
    }

    @Test func sendsTheListThenOnlyChangesAndRemovals() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("name: first\n".utf8))
        let subscriber = Subscriber(node, .localRoot)
        let first = await subscriber.next { _ in true }
        #expect(first?["reset"] == 1)
        #expect(Self.ids(first, "updated").sorted() == ["node/testnode", "qemu/100", "storage/testnode/local"])

        try await node.store.create("nodes/testnode/lxc/101.conf", data: Array("hostname: box\ntags: web\n".utf8))
        let added = await subscriber.next { Self.ids($0, "updated").contains("lxc/101") }
        #expect(added?["reset"] == 0)
        #expect(!Self.ids(added, "updated").contains("qemu/100"), "unchanged entries are not sent again")
        #expect(added?["updated"]?.arrayValue?.first { $0["id"] == "lxc/101" }?["tags"] == "web")

        try await node.store.delete("nodes/testnode/qemu-server/100.conf", ifRevision: nil)
        let removed = await subscriber.next { !Self.ids($0, "removed").isEmpty }
        #expect(Self.ids(removed, "removed") == ["qemu/100"])
    }

    @Test func followsTheCallersPermissionsAndPools() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let alice = UserID("alice@pve")!
        try await node.access.updateConfig { config in
            config.users["alice@pve"] = UserConfig.User()
            config.setACL(path: "/vms/100", members: [.user("alice@pve")], roles: ["PVEAuditor"], propagate: true, delete: false)
        }
        try await node.store.create("nodes/testnode/qemu-server/100.conf", data: Array("name: mine\n".utf8))
        try await node.store.create("nodes/testnode/qemu-server/101.conf", data: Array("name: theirs\n".utf8))
        let subscriber = Subscriber(node, Identity(user: alice, method: .ticket))
        let first = await subscriber.next { _ in true }
        #expect(Self.ids(first, "updated") == ["node/testnode", "qemu/100"], "alice may audit 100 only; every user sees the node")

        try await node.access.updateConfig { config in
            config.pools["web"] = UserConfig.Pool()
            config.pools["web"]?.vms = [VMID(101)!]
            config.setACL(path: "/pool/web", members: [.user("alice@pve")], roles: ["PVEAuditor"], propagate: true, delete: false)
        }
        let granted = await subscriber.next { Self.ids($0, "updated").contains("qemu/101") }
        #expect(Self.ids(granted, "updated").sorted() == ["/pool/web", "qemu/101"])
        #expect(granted?["updated"]?.arrayValue?.first { $0["id"] == "qemu/101" }?["pool"] == "web")

        try await node.access.updateConfig { config in
            config.setACL(path: "/pool/web", members: [.user("alice@pve")], roles: ["PVEAuditor"], propagate: true, delete: true)
        }
        let revoked = await subscriber.next { !Self.ids($0, "removed").isEmpty }
        #expect(Self.ids(revoked, "removed") == ["/pool/web", "qemu/101"])
    }

    @Test func eventsAreEncodedAsTheEventStreamFormat() {
        let event = ServerSentEvent(event: "resources", id: "7", data: Array("{\"a\":1}\nsecond".utf8))
        #expect(String(decoding: event.encoded, as: UTF8.self) == "event: resources\nid: 7\ndata: {\"a\":1}\ndata: second\n\n")
        #expect(String(decoding: ServerSentEvent(comment: "keep-alive").encoded, as: UTF8.self) == ": keep-alive\n\n")
        #expect(String(decoding: ServerSentEvent(retry: 2000).encoded, as: UTF8.self) == "retry: 2000\n\n")
    }

    @Test func streamingMethodsAnswerWithAnEventStream() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        // A producer that ends after two events, so the test client can read the whole body.
        var handlers = HandlerTable()
        handlers.on(.get, "/cluster/resources/stream") { _ in
            .events { send in
                try await send(ServerSentEvent(retry: 2000))
                try await send(.json("resources", id: "1", ["reset": 1, "updated": [], "removed": []]))
            }
        }
        try await node.test(node.responder(handlers: handlers)) { client in
            try await client.execute(uri: "/api2/json/cluster/resources/stream", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream;charset=UTF-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(response.text == "retry: 2000\n\nevent: resources\nid: 1\ndata: {\"removed\":[],\"reset\":1,\"updated\":[]}\n\n")
            }
        }
    }

    @Test func theStreamIsDocumentedAsServerSentEvents() {
        let operation = APISpec.faro.openAPIDocument()["paths"]?["/api2/json/cluster/resources/stream"]?["get"]
        #expect(operation?["responses"]?["200"]?["content"]?["text/event-stream"] != nil)
        #expect(operation?["responses"]?["200"]?["x-faro-event-data"]?["properties"]?["updated"] != nil)
    }
}
