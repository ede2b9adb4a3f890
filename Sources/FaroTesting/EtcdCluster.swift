import FaroSupport
import Foundation

/// Real etcd members for tests: one or three `etcd` processes on loopback with free ports,
/// mutual TLS from a CA made with `openssl`, data in a temporary directory. `stop()` ends
/// them all and removes the directory; call it in a `defer`.
public final class EtcdCluster: @unchecked Sendable {
    public static let binary = "/usr/bin/etcd"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    public struct Member: Sendable {
        public let name: String
        public let clientURL: String
        public let peerURL: String
    }

    public let directory: TemporaryDirectory
    public let members: [Member]
    public var caFile: String { directory.file("ca.pem") }
    public var clientCertificate: String { directory.file("client.pem") }
    public var clientKey: String { directory.file("client.key") }
    public var clientURLs: [String] { members.map(\.clientURL) }
    private var processes: [Process?]

    /// Starts `count` members and waits until each serves clients (a leader was elected).
    public init(members count: Int) async throws {
        directory = try TemporaryDirectory()
        try Self.makeCertificates(in: directory)
        members = try (1...count).map { index in
            let ports = try FreePort.reserve(2)
            return Member(name: "m\(index)", clientURL: "https://127.0.0.1:\(ports[0])", peerURL: "https://127.0.0.1:\(ports[1])")
        }
        processes = []
        do {
            let cluster = members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
            let token = UUID().uuidString
            for member in members { processes.append(try start(member, cluster: cluster, token: token)) }
            for member in members { try await waitUntilServing(member) }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stopMembers() }

    /// Stops every member and removes the data.
    public func stop() {
        stopMembers()
        directory.remove()
    }

    /// Stops one member (SIGTERM, then SIGKILL after 5 s), as a node that goes away.
    public func stop(member index: Int) {
        guard let process = processes[index] else { return }
        processes[index] = nil
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private func stopMembers() {
        for index in processes.indices { stop(member: index) }
    }

    private func start(_ member: Member, cluster: String, token: String) throws -> Process {
        let data = directory.file(member.name)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        let (ca, certificate, key) = (caFile, directory.file("server.pem"), directory.file("server.key"))
        process.arguments = [
            "--name", member.name, "--data-dir", data,
            "--listen-client-urls", member.clientURL, "--advertise-client-urls", member.clientURL,
            "--listen-peer-urls", member.peerURL, "--initial-advertise-peer-urls", member.peerURL,
            "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
            "--client-cert-auth", "--trusted-ca-file", ca, "--cert-file", certificate, "--key-file", key,
            "--peer-client-cert-auth", "--peer-trusted-ca-file", ca, "--peer-cert-file", certificate, "--peer-key-file", key,
            "--heartbeat-interval", "100", "--election-timeout", "1000", "--pre-vote=true",
            "--unsafe-no-fsync", "--log-outputs", "stderr",
        ]
        FileManager.default.createFile(atPath: logFile(member), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile(member)))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    public func logFile(_ member: Member) -> String { directory.file("\(member.name).log") }

    private func waitUntilServing(_ member: Member) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: logFile(member), encoding: .utf8)) ?? ""
            if log.contains("ready to serve client requests") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let tail = ((try? String(contentsOfFile: logFile(member), encoding: .utf8)) ?? "").suffix(2000)
        throw EtcdClusterError(description: "etcd member \(member.name) did not start within 30 s:\n\(tail)")
    }

    /// A CA, one certificate for the members (server and peer use, for 127.0.0.1) and one
    /// client certificate.
    static func makeCertificates(in directory: TemporaryDirectory) throws {
        let extensions = """
            [server]
            basicConstraints=CA:FALSE
            keyUsage=digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth,clientAuth
            subjectAltName=IP:127.0.0.1,DNS:localhost
            [client]
            basicConstraints=CA:FALSE
            keyUsage=digitalSignature,keyEncipherment
            extendedKeyUsage=clientAuth

            """
        try extensions.write(toFile: directory.file("ext.cnf"), atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(["req", "-x509"] + curve + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=faro-test-ca"], in: directory)
        for name in ["server", "client"] {
            try openssl(["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: directory)
            try openssl(
                ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
                 "-days", "2", "-extfile", "ext.cnf", "-extensions", name], in: directory)
        }
    }

    static func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EtcdClusterError(description: "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }
}

public struct EtcdClusterError: Error, CustomStringConvertible {
    public let description: String
}

/// Free TCP ports on loopback, found by binding port 0.
public enum FreePort {
    public static func reserve(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        return try (0..<count).map { _ in
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw EtcdClusterError(description: "socket: errno \(errno)") }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Bool in
                    bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
                }
            }
            guard bound else { throw EtcdClusterError(description: "bind: errno \(errno)") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
