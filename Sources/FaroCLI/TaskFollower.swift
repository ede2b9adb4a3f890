import FaroClient
import FaroModel
import NIOHTTP1

/// Waits for a task the CLI started, prints its log and turns its exit status into the exit
/// code (0 for OK and warnings, 255 otherwise).
enum TaskFollower {
    static func follow(_ upid: String, client: FaroClient, environment: CLIEnvironment) async throws -> Int32 {
        let base = "/nodes/localhost/tasks/\(upid)"
        var status: JSONValue = .null
        var unreachableSince: ContinuousClock.Instant?
        while true {
            let reply: APIReply
            do {
                reply = try await client.call(.GET, base + "/status")
                unreachableSince = nil
            } catch {
                // A daemon that restarts itself (after `pvecm create` or a join) is away for a moment.
                let since = unreachableSince ?? .now
                unreachableSince = since
                guard ContinuousClock.now - since < .seconds(30) else { throw error }
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            guard reply.isSuccess else {
                environment.standardError(Pvesh.failureText(reply))
                return 255
            }
            status = reply.data
            if status["status"]?.stringValue == "stopped" { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        var log = try? await client.call(.GET, base + "/log", ["limit": 100_000])
        for _ in 0..<150 where log == nil {
            try await Task.sleep(for: .milliseconds(200))
            log = try? await client.call(.GET, base + "/log", ["limit": 100_000])
        }
        guard let log else { throw CLIError.unreachable }
        for line in log.data.arrayValue ?? [] {
            guard let text = line["t"]?.stringValue, text != "no content", !text.hasPrefix("TASK ") else { continue }
            environment.standardOutput(text + "\n")
        }
        let exit = status["exitstatus"]?.stringValue ?? "unknown"
        if exit == "OK" || exit.hasPrefix("WARNINGS") { return 0 }
        environment.standardError(exit + "\n")
        return 255
    }
}

enum CLIError: Error, CustomStringConvertible {
    case unreachable
    var description: String { "the daemon did not come back" }
}
