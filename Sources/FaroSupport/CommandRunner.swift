import Dispatch
import Foundation

/// What a finished command left behind.
public struct CommandResult: Sendable, Equatable {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public init(status: Int32, stdout: [UInt8] = [], stderr: [UInt8] = []) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var output: String { String(decoding: stdout, as: UTF8.self) }
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
}

/// A command that exited with a non-zero status: the argv, the status and the end of stderr.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var argv: [String]
    public var status: Int32
    public var stderr: String

    public init(argv: [String], status: Int32, stderr: String) {
        self.argv = argv
        self.status = status
        self.stderr = stderr
    }

    public var description: String {
        let tail = stderr.split(separator: "\n").suffix(3).joined(separator: "\n")
        return "command '\(argv.joined(separator: " "))' failed: exit code \(status)" + (tail.isEmpty ? "" : ": \(tail)")
    }
}

/// Runs external programs from argv arrays, never through a shell. Injected everywhere a tool
/// is called, so tests can use the real tools or a recording fake where a tool cannot run here.
public protocol CommandRunner: Sendable {
    func run(_ argv: [String], input: [UInt8]?) async throws -> CommandResult
}

extension CommandRunner {
    public func run(_ argv: [String]) async throws -> CommandResult { try await run(argv, input: nil) }

    /// Runs and throws `CommandError` unless the command exits with 0; returns its stdout.
    @discardableResult
    public func checked(_ argv: [String], input: [UInt8]? = nil) async throws -> String {
        let result = try await run(argv, input: input)
        guard result.status == 0 else { throw CommandError(argv: argv, status: result.status, stderr: result.errorOutput) }
        return result.output
    }
}

/// The real runner: spawns the program (looked up in PATH when the name has no slash), feeds
/// stdin, collects both outputs, and kills the program when the calling task is cancelled.
public struct SystemCommandRunner: CommandRunner {
    public init() {}

    public func run(_ argv: [String], input: [UInt8]?) async throws -> CommandResult {
        precondition(!argv.isEmpty, "empty argv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].contains("/") ? argv[0] : "/usr/bin/env")
        process.arguments = argv[0].contains("/") ? Array(argv.dropFirst()) : argv
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CommandResult, any Error>) in
                DispatchQueue.global().async {
                    do {
                        try process.run()
                    } catch {
                        continuation.resume(throwing: CommandError(argv: argv, status: 127, stderr: "\(error)"))
                        return
                    }
                    let group = DispatchGroup()
                    nonisolated(unsafe) var errorBytes = Data()
                    group.enter()
                    DispatchQueue.global().async {
                        errorBytes = stderr.fileHandleForReading.readDataToEndOfFile()
                        group.leave()
                    }
                    if let input {
                        group.enter()
                        DispatchQueue.global().async {
                            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
                            try? stdin.fileHandleForWriting.close()
                            group.leave()
                        }
                    }
                    let outputBytes = stdout.fileHandleForReading.readDataToEndOfFile()
                    group.wait()
                    process.waitUntilExit()
                    continuation.resume(
                        returning: CommandResult(
                            status: process.terminationStatus, stdout: Array(outputBytes), stderr: Array(errorBytes)))
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
    }
}
