import Foundation
import FaroGuestSchema
import FaroModel
import FaroQMP
import FaroSchema

extension VMConfig {
    /// Whether `agent` turns the guest agent device on (`agent: 1` or `enabled=1,...`).
    public var agentEnabled: Bool {
        guard let text = self["agent"], let values = try? PropertyString.parse(text, keys: DeviceKeys.agent) else { return false }
        return values["enabled"] == "1"
    }
}

/// Guest agent commands (`qm guest cmd`, `.../agent/...`): the VM must have the agent device
/// and run; the command goes to the agent socket QEMU serves for the device.
extension VMService {
    public func agentSocket(_ vmid: VMID) -> String { "\(runtime.runDir)/\(vmid).qga" }

    /// Runs `guest-<command>` style agent commands; `command` is the agent's own name.
    public func agentCommand(
        _ vmid: VMID, _ command: String, arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10),
        answered: Bool = true
    ) async throws -> JSONValue {
        let config = try await read(vmid).config
        guard config.agentEnabled else { throw VMError.failed("No QEMU guest agent configured") }
        guard await isRunning(vmid) else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        do {
            return try await GuestAgentClient(socketPath: agentSocket(vmid))
                .execute(command, arguments: arguments, timeout: timeout, answered: answered)
        } catch {
            throw VMError.failed(error.description)
        }
    }

    /// `agent/shutdown` and `agent/suspend-*`: the agent answers only when it fails, so an
    /// error within two seconds is reported and silence means the guest is on its way.
    public func agentPowerCommand(_ vmid: VMID, _ command: String) async throws -> JSONValue {
        try await agentCommand(vmid, "guest-" + command, timeout: .seconds(2), answered: false)
    }

    /// Reads up to `count` bytes of a guest file from `offset`, in the agent's chunks (at most
    /// 1 MiB each); `truncated` when the file goes on past what was read.
    public func agentReadFile(_ vmid: VMID, path: String, offset: Int, count: Int) async throws -> (bytes: [UInt8], truncated: Bool) {
        try await withAgentFile(vmid, path: path, mode: "r") { handle in
            if offset > 0 {
                _ = try await agentCommand(vmid, "guest-file-seek", arguments: ["handle": handle, "offset": .int(offset), "whence": "set"])
            }
            var bytes: [UInt8] = [], reachedEnd = false
            while bytes.count < count, !reachedEnd {
                let chunk = min(count - bytes.count, 1 << 20)
                let reply = try await agentCommand(vmid, "guest-file-read", arguments: ["handle": handle, "count": .int(chunk)])
                guard let encoded = reply["buf-b64"]?.stringValue, let data = Data(base64Encoded: encoded).map(Array.init) else {
                    throw VMError.failed("the guest agent sent no data for '\(path)'")
                }
                bytes += data
                reachedEnd = reply["eof"]?.boolValue == true || data.isEmpty
            }
            if bytes.count > count { bytes.removeLast(bytes.count - count) }
            return (bytes, !reachedEnd)
        }
    }

    /// Writes `base64` (already encoded) as the whole content of a guest file.
    public func agentWriteFile(_ vmid: VMID, path: String, base64: String) async throws {
        try await withAgentFile(vmid, path: path, mode: "wb") { handle in
            _ = try await agentCommand(vmid, "guest-file-write", arguments: ["handle": handle, "buf-b64": .string(base64)])
        }
    }

    /// Opens a guest file through the agent, runs `body` with its handle and closes it again,
    /// also when `body` fails (a close error then does not hide the first one).
    private func withAgentFile<T: Sendable>(
        _ vmid: VMID, path: String, mode: String, _ body: (JSONValue) async throws -> T
    ) async throws -> T {
        let handle = try await agentCommand(vmid, "guest-file-open", arguments: ["path": .string(path), "mode": .string(mode)])
        guard handle.intValue != nil else { throw VMError.failed("the guest agent gave no file handle for '\(path)'") }
        let result: T
        do {
            result = try await body(handle)
        } catch {
            _ = try? await agentCommand(vmid, "guest-file-close", arguments: ["handle": handle])
            throw error
        }
        _ = try await agentCommand(vmid, "guest-file-close", arguments: ["handle": handle])
        return result
    }
}
