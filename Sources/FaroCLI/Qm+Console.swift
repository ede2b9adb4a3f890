#if canImport(Glibc)
import Glibc
#endif
import FaroClient
import FaroModel
import FaroSupport

/// `qm monitor` and `qm terminal`: interactive sessions that the command table cannot express.
extension Qm {
    /// `qm monitor <vmid>`: a prompt loop; each line goes to the human monitor through the API
    /// (`POST .../monitor`). `quit`, `q` or the end of input leave the loop, not QEMU.
    static func monitor(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        guard arguments.count == 1, let vmid = VMID(arguments[0]) else { return usage("qm monitor <vmid>", environment) }
        do {
            return try await Pvesh.withClient(ConnectionOptions(), environment) { client in
                let status = try await client.call(.GET, "/nodes/localhost/qemu/\(vmid)/status/current")
                guard status.isSuccess else {
                    environment.standardError(Pvesh.failureText(status))
                    return 255
                }
                environment.standardOutput("Entering QEMU Monitor for VM \(vmid) - type 'help' for help\n")
                while true {
                    environment.standardOutput("qm> ")
                    guard let line = environment.readLine() else { break }
                    let command = line.trimmingCharacters(in: .whitespaces)
                    if command == "quit" || command == "q" { break }
                    if command.isEmpty { continue }
                    let reply = try await client.call(.POST, "/nodes/localhost/qemu/\(vmid)/monitor", ["command": .string(command)])
                    environment.standardOutput(reply.isSuccess ? reply.data.displayText : Pvesh.failureText(reply))
                }
                environment.standardOutput("\n")
                return 0
            }
        } catch {
            environment.standardError("\(error)\n")
            return 255
        }
    }

    /// `qm terminal <vmid> [--iface serialN] [--escape ^X]`: joins the terminal to the VM's
    /// serial socket until the escape key (Ctrl-O by default) or the end of input.
    static func terminal(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        let usageText = "qm terminal <vmid> [--iface <serial0..serial3>] [--escape <^X or 0>]"
        guard let first = arguments.first, let vmid = VMID(first) else { return usage(usageText, environment) }
        var iface = "serial0", escape: UInt8? = 0x0f
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { return usage(usageText, environment) }
            switch option {
            case "--iface": iface = value
            case "--escape":
                guard let key = escapeKey(value) else { return usage("invalid escape '\(value)'\n\(usageText)", environment) }
                escape = key == 0 ? nil : key
            default: return usage(usageText, environment)
            }
        }
        guard iface.hasPrefix("serial"), let index = Int(iface.dropFirst(6)), (0..<4).contains(index) else {
            environment.standardError("invalid iface '\(iface)'\n")
            return 255
        }
        do {
            _ = try await Pvesh.withClient(ConnectionOptions(), environment) { client in
                try await checkSerial(client, vmid: vmid, iface: iface)
                return 0
            }
        } catch {
            environment.standardError("\(error)\n")
            return 255
        }
        let socketPath = NodePaths(root: environment.root).qemuRunDir + "/\(vmid).\(iface)"
        environment.standardOutput("starting serial terminal on interface \(iface) (press Ctrl+O to exit)\n")
        return SerialTerminal.run(socketPath: socketPath, escape: escape, environment: environment)
    }

    /// Fails with Proxmox's words unless the VM runs with `iface` on a socket.
    static func checkSerial(_ client: FaroClient, vmid: VMID, iface: String) async throws {
        let config = try await client.call(.GET, "/nodes/localhost/qemu/\(vmid)/config")
        let status = try await client.call(.GET, "/nodes/localhost/qemu/\(vmid)/status/current")
        for reply in [config, status] where !reply.isSuccess {
            throw CLIFailure(Pvesh.failureText(reply).trimmingTrailingNewlines())
        }
        guard status.data["status"]?.stringValue == "running" else { throw CLIFailure("VM \(vmid) not running") }
        guard let value = config.data[iface]?.stringValue else { throw CLIFailure("serial interface '\(iface)' is not configured") }
        guard value == "socket" else { throw CLIFailure("wrong serial type on interface '\(iface)'") }
    }

    /// `^O` → 0x0f; `0` turns the escape key off.
    static func escapeKey(_ text: String) -> UInt8? {
        if text == "0" { return 0 }
        guard text.count == 2, text.first == "^", let letter = text.uppercased().last?.asciiValue, (64...95).contains(letter) else {
            return nil
        }
        return letter - 64
    }

    static func usage(_ text: String, _ environment: CLIEnvironment) -> Int32 {
        environment.standardError("USAGE: \(text)\n")
        return 255
    }
}

/// A failure a CLI reports as its message alone.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
