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
        _ vmid: VMID, _ command: String, arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10)
    ) async throws -> JSONValue {
        let config = try await read(vmid).config
        guard config.agentEnabled else { throw VMError.failed("No QEMU guest agent configured") }
        guard await isRunning(vmid) else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        do {
            return try await GuestAgentClient(socketPath: agentSocket(vmid)).execute(command, arguments: arguments, timeout: timeout)
        } catch {
            throw VMError.failed(error.description)
        }
    }
}
