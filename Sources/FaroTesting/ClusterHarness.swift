import Foundation

/// A cluster of real daemons on one host for integration tests: each node is a
/// `faro daemon --root <dir>/<node> --node <node> --listen 127.0.0.1:0` whose etcd member
/// listens on free loopback ports. The pam realm of every node authenticates root against
/// a PAM service of the harness's own (`/etc/pam.d/faro-test-<id>`, `pam_exec` comparing
/// with `rootPassword`), so password joins work without touching the host's root password.
/// `stop()` kills every daemon and etcd member the harness started and removes everything;
/// call it in a `defer`.
public final class ClusterHarness: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let pamService: String
    public let rootPassword = "faro-cluster-test"
    public private(set) var nodes: [String: DaemonProcess] = [:]
    public let names: [String]

    /// Starts `names.count` single-node daemons; none is in a cluster yet.
    public init(nodes names: [String]) throws {
        self.names = names
        directory = try TemporaryDirectory(prefix: "faro-cluster")
        pamService = "faro-test-" + UUID().uuidString.prefix(8).lowercased()
        do {
            let check = directory.file("pam-check.sh")
            try "#!/bin/sh\n[ \"$(head -c 512 | tr -d '\\000')\" = \"\(rootPassword)\" ]\n".write(toFile: check, atomically: true, encoding: .utf8)
            chmod(check, 0o755)
            try "auth required pam_exec.so expose_authtok quiet \(check)\naccount required pam_permit.so\n"
                .write(toFile: pamFile, atomically: true, encoding: .utf8)
            for name in names {
                try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
                let daemon = try DaemonProcess(root: directory.file(name), node: name, extraArguments: ["--pam-service", pamService])
                try daemon.start()
                nodes[name] = daemon
            }
        } catch {
            stop()
            throw error
        }
    }

    var pamFile: String { "/etc/pam.d/" + pamService }

    public func node(_ name: String) -> DaemonProcess { nodes[name]! }
    public func root(_ name: String) -> String { directory.file(name) }

    /// Stops `name`'s daemon (SIGTERM, as an admin would) and starts a new one on the same
    /// root, on the same port or a new one; its etcd member keeps running and is adopted.
    public func restart(_ name: String, samePort: Bool = true) throws {
        let old = node(name)
        let port = samePort ? old.port : 0
        old.stop()
        let daemon = try DaemonProcess(
            root: root(name), node: name, listen: "127.0.0.1:\(port)", extraArguments: ["--pam-service", pamService])
        nodes[name] = daemon
        try daemon.start()
    }

    /// The pid of `name`'s etcd member, from its pid file.
    public func etcdPid(_ name: String) -> Int32? {
        (try? String(contentsOfFile: root(name) + "/run/faro/etcd.pid", encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Kills every daemon and etcd member and removes the roots and the PAM service.
    public func stop() {
        for daemon in nodes.values { daemon.kill() }
        for name in names { killEtcd(name) }
        try? FileManager.default.removeItem(atPath: pamFile)
        directory.remove()
    }

    /// SIGKILL to `name`'s etcd member (the one its pid file names), and waits until it is gone.
    public func killEtcd(_ name: String) {
        let pidFile = root(name) + "/run/faro/etcd.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return }
        // Only a process that is this root's etcd, never a recycled pid.
        guard let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8), cmdline.contains(root(name) + "/") else { return }
        kill(pid, SIGKILL)
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), !stat[stat.index(after: close)...].hasPrefix(" Z")
            else { return }
            usleep(20_000)
        }
    }

    /// Runs `faro --root <node's root> arguments` and returns status, output and errors.
    @discardableResult
    public func faro(_ name: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, error: String) {
        try Self.run(DaemonProcess.binaryPath(), ["--root", root(name)] + arguments, input: input)
    }

    /// `curl` against a node's HTTPS API with `headers`; returns the parsed envelope's text.
    public func https(_ name: String, _ method: String, _ path: String, headers: [String] = [], form: [String] = []) throws -> (status: Int32, output: String, error: String) {
        var arguments = ["-sSk", "--max-time", "60", "-X", method, "-w", "\n%{http_code}"]
        for header in headers { arguments += ["-H", header] }
        for field in form { arguments += ["--data-urlencode", field] }
        return try Self.run("/usr/bin/curl", arguments + ["https://127.0.0.1:\(node(name).port)/api2/json\(path)"])
    }

    /// How often the daemon of `name` has started its listeners (once per in-process restart).
    public func starts(_ name: String) -> Int {
        node(name).log.components(separatedBy: "listening on socket path").count - 1
    }

    /// Waits until `name`'s daemon started `count` times (after a create or join it restarts).
    public func waitForStart(_ name: String, count: Int, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while starts(name) < count {
            guard Date() < deadline else { throw HarnessError(message: "\(name) did not restart; its log:\n\(node(name).log)") }
            usleep(100_000)
        }
    }

    /// `pvecm create <cluster>` on `name`, waiting for the daemon to come back on etcd.
    public func create(_ cluster: String, on name: String) throws {
        let before = starts(name)
        let result = try faro(name, ["pvecm", "create", cluster, "--etcd-client", "127.0.0.1:0", "--etcd-peer", "127.0.0.1:0"])
        guard result.status == 0 else { throw HarnessError(message: "pvecm create: \(result.output)\(result.error)") }
        try waitForStart(name, count: before + 1)
    }

    /// The fingerprint of `name`'s HTTPS certificate (`faro fingerprint`).
    public func fingerprint(_ name: String) throws -> String {
        try faro(name, ["fingerprint"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `pvecm add` of `name` to the cluster of `member`, with a token from `pvecm jointoken` or
    /// root's password; waits for the daemon to come back. Returns the command's result.
    @discardableResult
    public func join(_ name: String, to member: String, token: Bool, fingerprint: String? = nil, password: String? = nil) throws -> (status: Int32, output: String, error: String) {
        let target = "127.0.0.1:\(node(member).port)"
        var arguments = ["pvecm", "add", target, "--fingerprint", try fingerprint ?? self.fingerprint(member),
                         "--etcd-client", "127.0.0.1:0", "--etcd-peer", "127.0.0.1:0"]
        if token {
            let issued = try faro(member, ["pvecm", "jointoken"])
            guard issued.status == 0 else { throw HarnessError(message: "pvecm jointoken: \(issued.error)") }
            arguments += ["--token", issued.output.trimmingCharacters(in: .whitespacesAndNewlines)]
        }
        let before = starts(name)
        let result = try faro(name, arguments, input: token ? nil : (password ?? rootPassword) + "\n")
        if result.status == 0 { try waitForStart(name, count: before + 1) }
        return result
    }

    public struct HarnessError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), error = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
