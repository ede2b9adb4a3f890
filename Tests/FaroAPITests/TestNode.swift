import FaroAPI
import FaroAccess
import FaroAPISpec
import FaroCluster
import FaroModel
import FaroStore
import FaroSupport
import FaroTasks
import FaroTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A node's services under a temporary root, served through the real responder without sockets.
struct TestNode {
    let directory: TemporaryDirectory
    let store: any ConfigStore
    let services: NodeServices
    let access: AccessService

    init(
        runner: any CommandRunner = SubprocessRunner(), sysClassNet: String = "/sys/class/net",
        clock: @escaping @Sendable () -> Int = { 1_700_000_000 },
        metricsClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        nodeName: String = "testnode", store shared: (any ConfigStore)? = nil,
        cluster: any ClusterDirectory = StaticClusterDirectory(), statusLease: Duration = .seconds(10)
    ) async throws {
        directory = try TemporaryDirectory()
        let paths = NodePaths(root: directory.path)
        store = try shared ?? SQLiteConfigStore(path: directory.file("config.db"))
        let host = HostFacts()
        let tasks = try TaskManager(
            directory: paths.taskDir, node: nodeName, pid: 4242, pstart: 1, clock: { 1_700_000_000 },
            logger: Logger(label: "test"))
        access = AccessService(store: store, clock: { 1_700_000_000 })
        try await access.bootstrap()
        var services = NodeServices(
            nodeName: nodeName, paths: paths, store: store, tasks: tasks, host: host, cpu: CPUUsageMonitor(host: host),
            access: access, authorizer: AccessAuthorizer(access: access), certificateFingerprint: "AA:BB",
            logger: Logger(label: "test"), authFailureDelay: .milliseconds(1), clock: clock, runner: runner,
            sysClassNet: sysClassNet, metricsClock: metricsClock, cluster: cluster, statusLease: statusLease,
            address: "127.0.0.1")
        services.membership = ClusterMembership(
            nodeName: nodeName, paths: paths, store: store, runner: runner, apiAddress: { ("127.0.0.1", 8006) })
        self.services = services
    }

    func remove() { directory.remove() }

    func responder(
        authenticator: any Authenticator = FixedAuthenticator(.localRoot), spec: APISpec = .faro,
        handlers: HandlerTable? = nil, maxBody: Int = 1 << 20
    ) -> APIResponder {
        var settings = APIResponder.Settings(localNode: services.nodeName)
        settings.authFailureDelay = .milliseconds(1)
        settings.maxBodySize = maxBody
        settings.uploadDirectory = Handlers.uploadDirectory(services)
        settings.prometheusText = Handlers.prometheusText(services)
        return APIResponder(
            spec: spec, handlers: handlers ?? Handlers.table(services, spec: spec), authenticator: authenticator,
            authorizer: services.authorizer, settings: settings)
    }

    /// A responder for `user` (logged in with a ticket) after granting it `role` on `path`.
    func responder(as user: String, role: String, on path: String) async throws -> APIResponder {
        try await access.updateConfig { config in
            config.users[user] = UserConfig.User()
            config.setACL(path: path, members: [.user(user)], roles: [role], propagate: true, delete: false)
        }
        return responder(authenticator: FixedAuthenticator(Identity(user: UserID(user)!, method: .ticket)))
    }

    func test<Value: Sendable>(
        _ responder: APIResponder? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = Application(responder: responder ?? self.responder())
        return try await app.test(.router, body)
    }
}

extension TestResponse {
    var json: JSONValue { (try? JSONParser.parse(Array(body.readableBytesView))) ?? .null }
    var data: JSONValue { json["data"] ?? .null }
    var text: String { String(buffer: body) }
}

extension ByteBuffer {
    init(text: String) { self.init(string: text) }
}

extension TestClientProtocol {
    /// One API call below `/api2/json` with form-encoded parameters (the query string for GET
    /// and DELETE), as the GUI and proxmoxer send them.
    func call(_ method: HTTPRequest.Method, _ path: String, _ parameters: [String: String] = [:]) async throws -> TestResponse {
        let body = QemuAPITests.encode(parameters)
        let inQuery = method == .get || method == .delete
        return try await execute(
            uri: "/api2/json" + path + (inQuery && !body.isEmpty ? "?" + body : ""), method: method,
            headers: [.contentType: "application/x-www-form-urlencoded"], body: inQuery ? nil : ByteBuffer(string: body)
        ) { $0 }
    }
}
