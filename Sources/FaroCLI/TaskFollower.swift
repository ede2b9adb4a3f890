import FaroClient
import FaroModel
import NIOHTTP1

/// Waits for a task the CLI started, prints its log and turns its exit status into the exit
/// code (0 for OK and warnings, 255 otherwise).
enum TaskFollower {
    static func follow(_ upid: String, client: FaroClient, environment: CLIEnvironment) async throws -> Int32 {
        let base = "/nodes/localhost/tasks/\(upid)"
        var status: JSONValue = .null
        while true {
            let reply = try await client.call(.GET, base + "/status")
            guard reply.isSuccess else {
                environment.standardError(Pvesh.failureText(reply))
                return 255
            }
            status = reply.data
            if status["status"]?.stringValue == "stopped" { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = try await client.call(.GET, base + "/log", ["limit": 100_000])
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
