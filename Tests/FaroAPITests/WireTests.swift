import FaroAPI
import FaroAPISpec
import FaroModel
import FaroSchema
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Protocol rules checked against a small method table whose handler echoes its parameters.
@Suite struct WireTests {
    static let spec = APISpec(methods: [
        APIMethod(
            .post, "/things/{thing}", name: "echo", description: "Echo the validated parameters.",
            parameters: .object([
                "thing": Schema.string(format: "pve-configid"),
                "count": Schema.integer(minimum: 1, maximum: 10).optional(),
                "force": Schema.boolean().optional(),
                "ids": Schema.string(format: "pve-vmid-list").optional(),
                "net0": Schema.propertyString([
                    "model": Schema.enumeration(["virtio", "e1000"]).defaultKey(),
                    "bridge": Schema.string(format: "pve-bridge-id").optional(),
                ]).optional(),
                "text": Schema.string().optional(),
            ]),
            returns: .any, permissions: .anyUser(filter: nil)),
        APIMethod(.get, "/things", name: "list", description: "List.", returns: .any, permissions: .anyUser(filter: nil)),
        APIMethod(
            .get, "/secret", name: "secret", description: "Root only.", returns: .any,
            permissions: .check(.privileges(path: "/nodes/{node}", ["Sys.Audit"]))),
    ])

    static func handlers() -> HandlerTable {
        var table = HandlerTable()
        table.on(.post, "/things/{thing}") { request in .json(.object(request.parameters)) }
        table.on(.get, "/things") { _ in .json([]) }
        table.on(.get, "/secret") { _ in .json("hidden") }
        return table
    }

    func run(
        authenticator: (any Authenticator)? = FixedAuthenticator(.localRoot), maxBody: Int = 1 << 20,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let responder = node.responder(
            authenticator: authenticator ?? NetworkAuthenticator(verifier: node.access), spec: Self.spec,
            handlers: Self.handlers(), maxBody: maxBody)
        try await node.test(responder, body)
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func formBodyIsValidatedAndNormalised() async throws {
        try await run { client in
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.form,
                body: ByteBuffer(text: "count=3&force=1&ids=100&ids=101&text=a+b%26c")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.data == ["thing": "alpha", "count": 3, "force": true, "ids": "100,101", "text": "a b&c"])
            }
        }
    }

    @Test func queryIsMergedIntoBodyAndWins() async throws {
        try await run { client in
            try await client.execute(
                uri: "/api2/json/things/alpha?count=7&_dc=12345", method: .post, headers: Self.form,
                body: ByteBuffer(text: "count=2&force=0")
            ) { response in
                #expect(response.data == ["thing": "alpha", "count": 7, "force": false])
            }
            try await client.execute(uri: "/api2/json/things/alpha?count=4", method: .post) { response in
                #expect(response.data == ["thing": "alpha", "count": 4])
            }
        }
    }

    @Test func jsonBodies() async throws {
        try await run { client in
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.json,
                body: ByteBuffer(text: #"{"count": 5, "force": true, "text": "x"}"#)
            ) { response in
                #expect(response.data == ["thing": "alpha", "count": 5, "force": true, "text": "x"])
            }
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.json, body: ByteBuffer(text: #"{"count": 5,"#)
            ) { response in
                #expect(response.status.code == 400)
                #expect(response.status.reasonPhrase.hasPrefix("malformed JSON request body"))
            }
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.json, body: ByteBuffer(text: "[1]")
            ) { response in
                #expect(response.status.code == 400)
            }
        }
    }

    @Test func parameterErrorsCarryTheErrorsMap() async throws {
        try await run { client in
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.form,
                body: ByteBuffer(text: "count=11&force=true&bogus=1&net0=virtio,colour=red")
            ) { response in
                #expect(response.status.code == 400)
                #expect(response.status.reasonPhrase == "Parameter verification failed.")
                #expect(response.json["message"] == "Parameter verification failed.\n")
                #expect(response.json["data"] == .null)
                let errors = response.json["errors"]?.objectValue ?? [:]
                #expect(errors["count"] == "value must have a maximum value of 10")
                #expect(errors["force"] == "type check ('boolean') failed - got 'true'")
                #expect(errors["bogus"] == "property is not defined in schema and the schema does not allow additional properties")
                #expect(errors["net0"] == "invalid format - invalid key in comma-separated list property: colour")
            }
            try await client.execute(uri: "/api2/json/things/Bad%20Name", method: .post) { response in
                #expect(response.status.code == 400)
                #expect(response.json["errors"]?["thing"]?.stringValue?.hasPrefix("invalid format") == true)
            }
        }
    }

    @Test func pathParametersMayRepeatOnlyWithTheSameValue() async throws {
        try await run { client in
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.form, body: ByteBuffer(text: "thing=alpha")
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.form, body: ByteBuffer(text: "thing=beta")
            ) { response in
                #expect(response.status.code == 400)
                #expect(response.status.reasonPhrase == "duplicate parameter (already defined in URI) with conflicting values!")
            }
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await run(maxBody: 1024) { client in
            try await client.execute(
                uri: "/api2/json/things/alpha", method: .post, headers: Self.form,
                body: ByteBuffer(text: "text=" + String(repeating: "x", count: 4096))
            ) { response in
                #expect(response.status.code == 413)
            }
        }
    }

    @Test func unknownPathsAndMethodsAre501() async throws {
        try await run { client in
            try await client.execute(uri: "/api2/json/nowhere/at/all", method: .get) { response in
                #expect(response.status.code == 501)
                #expect(response.status.reasonPhrase == "Method 'GET /nowhere/at/all' not implemented")
            }
            try await client.execute(uri: "/api2/json/things", method: .delete) { response in
                #expect(response.status.code == 501)
            }
            try await client.execute(uri: "/api2/json/things", method: .get, body: ByteBuffer(text: "x=1")) { response in
                #expect(response.status.code == 501)
            }
            try await client.execute(uri: "/api2/json//things/", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func extjsAnswers200WithSuccessFlag() async throws {
        try await run { client in
            try await client.execute(uri: "/api2/extjs/things", method: .get) { response in
                #expect(response.json["success"] == 1)
            }
            try await client.execute(uri: "/api2/extjs/things/alpha?count=99", method: .post) { response in
                #expect(response.status == .ok)
                #expect(response.json["success"] == 0)
                #expect(response.json["status"] == 400)
                #expect(response.json["errors"]?["count"] != nil)
            }
        }
    }

    @Test func missingCredentialsGet401WithEmptyBody() async throws {
        try await run(authenticator: nil) { client in
            try await client.execute(uri: "/api2/json/things", method: .get) { response in
                #expect(response.status.code == 401)
                #expect(response.status.reasonPhrase == "No ticket")
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api2/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.json["openapi"] == "3.1.0")
            }
        }
    }

    @Test func declaredChecksAreEnforcedBeforeTheHandler() async throws {
        let user = Identity(user: UserID("alice@pve")!, method: .ticket)
        try await run(authenticator: FixedAuthenticator(user)) { client in
            try await client.execute(uri: "/api2/json/secret", method: .get) { response in
                #expect(response.status.code == 403)
                #expect(response.status.reasonPhrase == "Permission check failed (/nodes, Sys.Audit)")
            }
            try await client.execute(uri: "/api2/json/things", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        try await run { client in
            try await client.execute(uri: "/api2/json/secret", method: .get) { response in
                #expect(response.data == "hidden")
            }
        }
    }
}
