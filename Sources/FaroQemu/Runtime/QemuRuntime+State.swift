import FaroModel
import FaroQMP
import FaroSupport

/// What a VM needs to continue from a saved RAM state: the state file and the machine and
/// CPU model it ran with, since a state loads only into the same virtual hardware.
public struct SavedVMState: Sendable, Equatable {
    public var path: String
    public var machine: String?
    public var cpu: String?

    public init(path: String, machine: String?, cpu: String?) {
        self.path = path
        self.machine = machine
        self.cpu = cpu
    }

    /// The `-incoming` URI that streams the file into QEMU.
    public var incomingURI: String { "exec:cat \(ShellWord.quoted(path))" }
}

/// Quoting for the one place QEMU hands a string to `/bin/sh` (`exec:` migration URIs).
enum ShellWord {
    static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// RAM state and live disk snapshots of a running VM.
extension QemuRuntime {
    /// Pauses the vCPUs (QEMU drains and flushes the drives on `stop`), runs `body`, and
    /// resumes the VM whatever happens, unless it was paused already.
    public nonisolated func whilePaused<T: Sendable>(_ vmid: VMID, _ body: () async throws -> T) async throws -> T {
        let wasRunning = try await withMonitor(vmid) { client in
            let running = try await client.queryStatus().running
            if running { try await client.stop() }
            return running
        }
        do {
            let result = try await body()
            if wasRunning { try await withMonitor(vmid) { try await $0.cont() } }
            return result
        } catch {
            if wasRunning { try? await withMonitor(vmid) { try await $0.cont() } }
            throw error
        }
    }

    /// Writes the VM's device and RAM state into `path` as an outgoing migration and waits
    /// for it to complete. Meant for a paused VM, so the state matches its disks.
    public func saveState(vmid: VMID, to path: String, timeout: Duration) async throws {
        let uri = "exec:dd of=\(ShellWord.quoted(path)) bs=1M conv=notrunc status=none"
        try await withMonitor(vmid) { client in
            // The VM is paused: nothing is gained by throttling the copy.
            try await client.execute("migrate-set-parameters", arguments: ["max-bandwidth": .int(1 << 40)])
            try await client.execute("migrate", arguments: ["uri": .string(uri)])
            let deadline = ContinuousClock.now + timeout
            while true {
                let reply = try await client.execute("query-migrate")
                switch reply["status"]?.stringValue {
                case "completed": return
                case "failed", "cancelled":
                    throw QemuRuntimeError.stateFailed(vmid: vmid, reason: reply["error-desc"]?.stringValue ?? "migration failed")
                default:
                    guard ContinuousClock.now < deadline else {
                        _ = try? await client.execute("migrate_cancel")
                        throw QemuRuntimeError.stateFailed(vmid: vmid, reason: "got timeout")
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// After a start with `-incoming`: waits until QEMU has read the whole state, then lets
    /// the vCPUs run on from where they were saved.
    public func resumeIncoming(vmid: VMID, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard process(vmid) != nil else { throw QemuRuntimeError.stateFailed(vmid: vmid, reason: "QEMU exited while loading the state") }
            let status = try await withMonitor(vmid) { try await $0.queryStatus() }
            if status.running { return }
            if status.status != "inmigrate" {
                try await withMonitor(vmid) { try await $0.cont() }
                return
            }
            guard ContinuousClock.now < deadline else { throw QemuRuntimeError.stateFailed(vmid: vmid, reason: "loading the state timed out") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// A qcow2 internal snapshot of a drive the running QEMU has open (`drive-<key>`).
    public func snapshotDrive(vmid: VMID, drive: String, name: String) async throws {
        try await withMonitor(vmid) { client in
            try await client.execute(
                "blockdev-snapshot-internal-sync", arguments: ["device": .string("drive-\(drive)"), "name": .string(name)],
                timeout: .seconds(600))
        }
    }

    public func deleteDriveSnapshot(vmid: VMID, drive: String, name: String) async throws {
        try await withMonitor(vmid) { client in
            try await client.execute(
                "blockdev-snapshot-delete-internal-sync", arguments: ["device": .string("drive-\(drive)"), "name": .string(name)],
                timeout: .seconds(600))
        }
    }
}
