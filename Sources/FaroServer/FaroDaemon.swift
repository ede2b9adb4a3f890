import FaroAPI
import FaroAccess
import FaroAPISpec
import FaroCluster
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore
import FaroSupport
import FaroTasks
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// How `faro daemon` was asked to run.
public struct DaemonConfiguration: Sendable {
    public var root: String
    /// nil: the name from `node.conf`, else the short host name.
    public var nodeName: String?
    public var listenHost: String
    public var listenPort: Int
    public var webRoot: String?
    public var hostSources = HostSources()
    public var authFailureDelay: Duration = .seconds(3)
    public var statusInterval: Duration = .seconds(10)
    public var qemuExecutable = "/usr/bin/qemu-system-x86_64"
    /// Where the configuration lives; nil chooses by the node root: etcd once the node is in a
    /// cluster (`ClusterBoot`), else SQLite (`make run`).
    public var storeBackend: StoreBackend?
    /// The PAM service the `pam` realm authenticates against.
    public var pamService = "faro"
    /// The etcd executable a cluster node runs its member with.
    public var etcdExecutable = "/usr/bin/etcd"

    public init(root: String, nodeName: String?, listenHost: String, listenPort: Int, webRoot: String?) {
        self.root = root
        self.nodeName = nodeName
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.webRoot = webRoot
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case nodeNameMismatch(configured: String, requested: String)
    case invalidNodeName(String)

    public var description: String {
        switch self {
        case .nodeNameMismatch(let configured, let requested):
            return "this root belongs to node '\(configured)', not '\(requested)'"
        case .invalidNodeName(let name): return "invalid node name '\(name)'"
        }
    }
}

/// The composition root: builds paths, store, task manager, services and both listeners (HTTPS
/// and the root-only Unix socket), then runs until SIGTERM or SIGINT.
public enum FaroDaemon {
    /// Runs the daemon. After `pvecm create` or a join the daemon restarts itself in-process
    /// (same pid, same port): every service stops and is built again on the cluster's store
    /// with the new certificate, guests keep running, and on-boot starts are not repeated.
    public static func run(
        _ configuration: DaemonConfiguration, logger: Logger, announce: @escaping @Sendable (String) -> Void
    ) async throws {
        var configuration = configuration
        var firstStart = true
        while let port = try await runOnce(configuration, firstStart: firstStart, logger: logger, announce: announce) {
            configuration.listenPort = port
            firstStart = false
            logger.info("restarting the daemon in-process on port \(port)")
        }
    }

    /// One life of the daemon; returns the port to listen on again when it asked to restart.
    static func runOnce(
        _ configuration: DaemonConfiguration, firstStart: Bool, logger: Logger, announce: @escaping @Sendable (String) -> Void
    ) async throws -> Int? {
        let paths = NodePaths(root: configuration.root)
        for directory in [paths.configDir, paths.stateDir, paths.taskDir, paths.localStorage, paths.lxcPath] {
            try FileIO.makeDirectory(directory)
        }
        try FileIO.makeDirectory(paths.runDir, mode: 0o700)
        chmod(paths.runDir, 0o700)
        let nodeName = try resolveNodeName(configuration, paths: paths)
        let tls = try TLSIdentity.loadOrCreate(paths: paths, nodeName: nodeName)
        let runner = SubprocessRunner()
        let backend: StoreBackend
        if let chosen = configuration.storeBackend {
            backend = chosen
        } else {
            backend = try await ClusterBoot.backend(
                paths: paths, runner: runner, etcdExecutable: configuration.etcdExecutable, logger: logger)
        }
        let opened = try await StoreBackend.open(backend, paths: paths, nodeName: nodeName)
        let store = opened.store
        let host = HostFacts(sources: configuration.hostSources)
        let pid = getpid()
        let clock: @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
        let tasks = try TaskManager(
            directory: paths.taskDir, node: nodeName, pid: Int(pid), pstart: host.processStart(pid: pid),
            clock: clock, logger: logger)
        let cpu = CPUUsageMonitor(host: host)
        let access = AccessService(store: store, pam: PAMRealm(service: configuration.pamService), clock: clock)
        try await access.bootstrap()
        let kvm = KVMStatus {
            let verdict = await KVMProbe(runner: runner, devicePath: "/dev/kvm", kernel: probeKernel() ?? "/boot/vmlinuz").probe()
            logger.info("KVM \(verdict)")
            return verdict
        }
        // The other nodes come from the store: corosync.conf, their member records and certificates.
        let directory = StoreClusterDirectory(store: store)
        var built = NodeServices(
            nodeName: nodeName, paths: paths, store: store, tasks: tasks, host: host, cpu: cpu, access: access,
            authorizer: AccessAuthorizer(access: access), certificateFingerprint: tls.fingerprint, logger: logger,
            authFailureDelay: configuration.authFailureDelay, clock: clock, runner: runner, kvm: kvm,
            qemuExecutable: configuration.qemuExecutable, cluster: directory)
        let restart = DaemonRestart()
        let bound = BoundPort(configuration.listenPort)
        built.membership = ClusterMembership(
            nodeName: nodeName, paths: paths, store: store, runner: runner,
            apiAddress: { (configuration.listenHost, await bound.port) }, etcdExecutable: configuration.etcdExecutable)
        built.restartDaemon = { await restart.request() }
        let services = built
        try await services.storage.bootstrap(hasDefaultThinPool: await StorageTypes.hasDefaultThinPool(runner: services.runner))
        let handlers = Handlers.table(services)
        var settings = APIResponder.Settings(localNode: nodeName)
        settings.authFailureDelay = configuration.authFailureDelay
        settings.uploadDirectory = Handlers.uploadDirectory(services)
        let cluster = ClusterForwarding(directory: directory, forwarder: NodeForwarder())
        settings.cluster = cluster
        settings.prometheusText = Handlers.prometheusText(services)
        let fallback = StaticContent(webRoot: configuration.webRoot)
        let openAPI = OpenAPIDocumentCache(spec: .faro)
        func responder(_ authenticator: any Authenticator) -> APIResponder {
            APIResponder(
                spec: .faro, handlers: handlers, authenticator: authenticator, authorizer: services.authorizer,
                settings: settings, fallback: fallback, openAPI: openAPI)
        }

        let networkAuthenticator = NetworkAuthenticator(verifier: access)
        let readiness = Readiness(expected: 2)
        FileIO.remove(paths.apiSocket)
        let network = Application(
            responder: responder(networkAuthenticator),
            server: try .tls(
                .proxmoxHTTP1(
                    idleTimeout: .seconds(30), connectionsPerAddress: Self.maxConnections / 4,
                    consoles: ConsoleGateway(services: services, authenticator: networkAuthenticator, cluster: cluster)),
                tlsConfiguration: tls.serverConfiguration()),
            configuration: .init(
                address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: nil,
                backlog: 256, availableConnectionsDelegate: MaximumAvailableConnections(Self.maxConnections)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.listenPort
                await bound.set(port)
                if let membership = services.membership, membership.isClustered {
                    Task {
                        do { try await membership.refreshAfterStart() } catch { logger.info("cluster record not refreshed: \(error)") }
                    }
                }
                if let line = await readiness.mark("listening on https://\(configuration.listenHost):\(port)") {
                    announce(line)
                }
            },
            logger: logger)
        let local = Application(
            responder: responder(LocalSocketAuthenticator()),
            server: .proxmoxHTTP1(idleTimeout: .seconds(300)),
            configuration: .init(address: .unixDomainSocket(path: paths.apiSocket), serverName: nil),
            onServerRunning: { _ in
                chmod(paths.apiSocket, 0o600)
                if let line = await readiness.mark(nil) { announce(line) }
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: network), .init(service: local),
                    .init(
                        service: StatusCollector(
                            metrics: services.metrics, publisher: services.statusPublisher, interval: configuration.statusInterval)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("starting node \(nodeName) under \(paths.root), certificate \(tls.fingerprint)")
        let onBoot = Task {
            for vmid in (try? await services.vms.list()) ?? [] where await services.vms.isRunning(vmid) {
                logger.info("VM \(vmid) is running; adopted")
            }
            if firstStart {
                await services.vms.startOnBoot { logger.info("\($0)") }
                await services.containers.startOnBoot { logger.info("\($0)") }
            }
            while !Task.isCancelled {
                for vmid in (try? await services.vms.list()) ?? [] where await services.vms.reapIfGone(vmid) {
                    logger.info("VM \(vmid) is gone; cleaned up after it")
                }
                try? await Task.sleep(for: configuration.statusInterval)
            }
        }
        let scheduler = Task { await BackupScheduler(services: services, logger: logger).run() }
        await restart.attach(group)
        try await group.run()
        scheduler.cancel()
        onBoot.cancel()
        await tasks.shutdown()
        await opened.close()
        FileIO.remove(paths.apiSocket)
        if await restart.requested { return await bound.port }
        logger.info("daemon stopped")
        return nil
    }

    /// Open connections the HTTPS listener accepts; one client address may hold a quarter.
    static let maxConnections = 800

    /// A kernel to boot for the KVM probe: the running kernel's image, else any in /boot.
    static func probeKernel() -> String? {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let running = "/boot/vmlinuz-\(release)"
        if FileIO.exists(running) { return running }
        return FileIO.listDirectory("/boot").sorted().last { $0.hasPrefix("vmlinuz-") }.map { "/boot/" + $0 }
    }

    static func resolveNodeName(_ configuration: DaemonConfiguration, paths: NodePaths) throws -> String {
        var nodeConfig = try NodeConfig.load(paths)
        let name = configuration.nodeName ?? nodeConfig.nodeName ?? HostFacts.shortHostname()
        guard NodeName.isValid(name) else { throw DaemonError.invalidNodeName(name) }
        if let configured = nodeConfig.nodeName {
            guard configured == name else { throw DaemonError.nodeNameMismatch(configured: configured, requested: name) }
        } else {
            nodeConfig.values["node"] = name
            try nodeConfig.save(paths)
        }
        return name
    }

    /// The certificate fingerprint of a node root, for `make run` to print.
    public static func certificateFingerprint(root: String) throws -> String? {
        let paths = NodePaths(root: root)
        guard let cert = try FileIO.readTextIfExists(paths.sslCertificate),
            let key = try FileIO.readTextIfExists(paths.sslKey)
        else { return nil }
        return try TLSIdentity(certificatePEM: cert, keyPEM: key).fingerprint
    }
}

/// A restart the daemon asked of itself: ends the service group gracefully, after which
/// `FaroDaemon.run` builds everything again.
actor DaemonRestart {
    private var group: ServiceGroup?
    private(set) var requested = false

    func attach(_ group: ServiceGroup) { self.group = group }

    func request() async {
        requested = true
        await group?.triggerGracefulShutdown()
    }
}

/// The port the HTTPS listener got (port 0 picks one).
actor BoundPort {
    private(set) var port: Int
    init(_ port: Int) { self.port = port }
    func set(_ port: Int) { self.port = port }
}

/// Announces readiness once every listener runs; the network listener supplies the line.
actor Readiness {
    var remaining: Int
    var line: String?

    init(expected: Int) { remaining = expected }

    func mark(_ line: String?) -> String? {
        if let line { self.line = line }
        remaining -= 1
        return remaining == 0 ? self.line : nil
    }
}
