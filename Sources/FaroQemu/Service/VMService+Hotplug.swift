import FaroGuestSchema
import FaroModel
import Foundation

/// NICs plugged into and out of a running VM (`hotplug` with `network`, Proxmox's default):
/// the tap is made and put on its bridge first, then QEMU gets the backend (`netdev_add`) and
/// the device (`device_add`) with the same arguments a start would give it. Unplugging asks
/// the guest to let go (`device_del`, ACPI) and waits until QEMU has removed the device before
/// the backend and the tap go. What fails stays pending, as other changes of a running VM do.
extension VMService {
    /// Whether the config's `hotplug` allows `feature` (default `network,disk,usb`; `1` the
    /// default; `0` nothing).
    static func hotplugs(_ config: VMConfig, _ feature: String) -> Bool {
        let value = config["hotplug"] ?? "1"
        if value == "0" { return false }
        let features = value == "1" ? ["network", "disk", "usb"] : value.split(separator: ",").map(String.init)
        return features.contains(feature)
    }

    /// Plugs NIC `key` with `value` into the running VM.
    func plugNIC(_ vmid: VMID, key: String, value: String, config: VMConfig) async throws {
        let net = try NetDevice(key: key, text: value)
        let (netdev, device) = QemuCommand.nicArguments(net, config: config, context: commandContext(vmid, volumes: [:]))
        if net.bridge != nil { try await runtime.taps.create(vmid: vmid, nets: [net]) }
        do {
            try await monitor(vmid, "netdev_add \(netdev)")
            do {
                try await monitor(vmid, "device_add \(device)")
            } catch {
                try? await monitor(vmid, "netdev_del \(key)")
                throw error
            }
        } catch {
            await runtime.taps.remove(vmid: vmid, [net])
            throw error
        }
    }

    /// Takes NIC `key` out of the running VM; the guest must release it within `timeout`.
    func unplugNIC(_ vmid: VMID, key: String, value: String, timeout: Duration = .seconds(10)) async throws {
        let net = try NetDevice(key: key, text: value)
        try await monitor(vmid, "device_del \(key)")
        let deadline = ContinuousClock.now + timeout
        while try await hasDevice(vmid, key) {
            guard ContinuousClock.now < deadline else {
                throw VMError.failed("\(key): the guest did not release the device within \(timeout.components.seconds) s")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await monitor(vmid, "netdev_del \(key)")
        await runtime.taps.remove(vmid: vmid, [net])
    }

    func hasDevice(_ vmid: VMID, _ id: String) async throws -> Bool {
        let reply = try await runtime.withMonitor(vmid) { try await $0.execute("qom-list", arguments: ["path": "/machine/peripheral"]) }
        return reply.arrayValue?.contains { $0["name"]?.stringValue == id } ?? false
    }

    /// A human monitor command whose answer is empty when it worked.
    func monitor(_ vmid: VMID, _ command: String) async throws {
        let answer = try await runtime.withMonitor(vmid) { try await $0.humanMonitorCommand(command) }
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.isEmpty else { throw VMError.failed("\(command.split(separator: " ")[0]): \(text)") }
    }
}
