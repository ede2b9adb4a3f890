import FaroModel
import FaroQMP
import FaroStorage

/// Live disk moves: QEMU mirrors the drive into the new volume while the guest runs and
/// switches to it once both are in sync (`drive-mirror`, then `block-job-complete`).
extension VMService {
    func mirror(_ vmid: VMID, key: String, to path: String, format: VolumeFormat, bytesPerSecond: UInt64?) async throws {
        let job = "mirror-\(key)"
        try await runtime.withMonitor(vmid) { client in
            var arguments: [String: JSONValue] = [
                "job-id": .string(job), "device": .string("drive-\(key)"), "target": .string(path),
                "format": .string(format.rawValue), "mode": "existing", "sync": "full",
            ]
            if let bytesPerSecond { arguments["speed"] = .int(Int(bytesPerSecond)) }
            try await client.execute("drive-mirror", arguments: arguments)
            do {
                try await Self.waitForMirror(client, job: job, until: { $0?["ready"]?.boolValue == true }, what: "reaching sync")
                try await client.execute("block-job-complete", arguments: ["device": .string(job)])
                try await Self.waitForMirror(client, job: job, until: { $0 == nil }, what: "completing")
            } catch {
                _ = try? await client.execute("block-job-cancel", arguments: ["device": .string(job), "force": true])
                throw error
            }
            guard try await Self.drivePath(client, key: key) == path else {
                throw VMError.failed("drive '\(key)' did not switch to '\(path)' - the mirror failed")
            }
        }
    }

    /// Polls `query-block-jobs` until `condition` holds for the job (nil once it is gone).
    static func waitForMirror(
        _ client: QMPClient, job: String, until condition: (JSONValue?) -> Bool, what: String
    ) async throws {
        while true {
            let jobs = try await client.execute("query-block-jobs").arrayValue ?? []
            let entry = jobs.first { $0["device"]?.stringValue == job }
            if condition(entry) { return }
            if let entry, entry["status"]?.stringValue == "concluded" || entry["error"] != nil {
                throw VMError.failed("mirror of '\(job)' failed while \(what): \(entry["error"]?.stringValue ?? "unknown error")")
            }
            if entry == nil { throw VMError.failed("mirror job '\(job)' ended before \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The file a running drive uses now, from `query-block`.
    static func drivePath(_ client: QMPClient, key: String) async throws -> String? {
        let devices = try await client.execute("query-block").arrayValue ?? []
        let device = devices.first { $0["device"]?.stringValue == "drive-\(key)" }
        return device?["inserted"]?["file"]?.stringValue
    }
}
