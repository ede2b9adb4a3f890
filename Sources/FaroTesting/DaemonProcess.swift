import Foundation

/// A real `faro daemon` on port 0 under a temporary root, for integration tests.
public final class DaemonProcess: @unchecked Sendable {
    public let root: String
    public let process: Process
    public private(set) var port = 0
    private let output = Pipe()
    public let logPath: String

    /// The faro binary next to the test bundle (`.build/<config>/faro`), or `FARO_BIN`.
    public static func binaryPath() -> String {
        if let override = ProcessInfo.processInfo.environment["FARO_BIN"] { return override }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("faro").path
            if FileManager.default.isExecutableFile(atPath: candidate), !candidate.hasSuffix(".xctest") { return candidate }
        }
        return ".build/debug/faro"
    }

    /// `launcher` runs the daemon through another program, e.g. `ip netns exec <ns>` to give
    /// it a network namespace of its own.
    public init(
        root: String, node: String = "testnode", listen: String = "127.0.0.1:0", extraArguments: [String] = [], launcher: [String] = []
    ) throws {
        self.root = root
        logPath = root + "/daemon.log"
        process = Process()
        let arguments = ["daemon", "--root", root, "--node", node, "--listen", listen, "--auth-delay-ms", "50"]
            + extraArguments
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [Self.binaryPath()] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binaryPath())
            process.arguments = arguments
        }
        process.standardOutput = output
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
    }

    /// Starts the daemon and waits for its `listening on https://HOST:PORT` line.
    public func start(timeout: TimeInterval = 30) throws {
        try process.run()
        let handle = output.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on https://") }),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                self.port = port
                return
            }
        }
        throw DaemonError.notReady(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    public enum DaemonError: Error, CustomStringConvertible {
        case notReady(log: String)
        public var description: String {
            switch self {
            case .notReady(let log): return "daemon did not report readiness; its log:\n\(log)"
            }
        }
    }

    public var socketPath: String { root + "/run/faro/api.sock" }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the daemon gets no chance to clean up.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}
