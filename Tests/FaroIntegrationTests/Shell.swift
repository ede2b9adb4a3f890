import FaroTesting
import Foundation

/// Runs a program to completion and captures what it printed.
struct Shell {
    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
            error: String(decoding: errData, as: UTF8.self))
    }

    static func faro(_ root: String, _ arguments: [String]) throws -> Result {
        try run(DaemonProcess.binaryPath(), ["--root", root] + arguments)
    }

    static func curl(_ arguments: [String]) throws -> Result {
        try run("/usr/bin/curl", ["-sS", "--max-time", "20"] + arguments)
    }
}

/// A daemon under a fresh root, stopped and removed at the end of `body` even when it fails.
func withDaemon(node: String = "testnode", _ body: (DaemonProcess) async throws -> Void) async throws {
    let directory = try TemporaryDirectory(prefix: "faro-it")
    defer { directory.remove() }
    let daemon = try DaemonProcess(root: directory.path, node: node)
    try daemon.start()
    defer { daemon.kill() }
    try await body(daemon)
}
