import FaroGuestSchema
import FaroModel
import FaroSchema

/// One `net[n]` entry. Proxmox writes model and MAC as one item (`virtio=BC:24:11:5E:7A:01`)
/// followed by the other keys in alphabetical order; that is the form clients compare.
public struct NetDevice: Sendable, Equatable {
    public var key: String
    public var index: Int
    public var model: String
    public var macAddress: String?
    /// Everything but model and MAC (`bridge`, `firewall`, `tag`, ...).
    public var values: [String: String]

    public init(key: String, text: String) throws(VMConfigError) {
        guard let (bus, index) = VMOptions.splitIndexed(key), bus == "net" else {
            throw .invalidOption(key: key, message: "not a network slot")
        }
        var parsed: [String: String]
        do {
            parsed = try PropertyString.parse(text, keys: DeviceKeys.net)
        } catch {
            throw .invalidOption(key: key, message: Drive.describe(error, key: key))
        }
        var model = parsed.removeValue(forKey: "model")
        var mac = parsed.removeValue(forKey: "macaddr")
        for candidate in DeviceKeys.nicModels {
            guard let address = parsed.removeValue(forKey: candidate) else { continue }
            guard model == nil || model == candidate else {
                throw .invalidOption(key: key, message: "conflicting models '\(model!)' and '\(candidate)'")
            }
            model = candidate
            if let mac, mac.uppercased() != address.uppercased() {
                throw .invalidOption(key: key, message: "conflicting MAC addresses '\(mac)' (macaddr) and '\(address)' (\(candidate))")
            }
            mac = address
        }
        guard let model else { throw .invalidOption(key: key, message: "\(key).model: property is missing and it is not optional") }
        self.key = key
        self.index = index
        self.model = model
        self.macAddress = mac?.uppercased()
        self.values = parsed
    }

    public var bridge: String? { values["bridge"] }
    public var linkDown: Bool { values["link_down"] == "1" }
    /// The host side of the NIC: `tap<vmid>i<n>`.
    public func tapName(vmid: VMID) -> String { "tap\(vmid)i\(index)" }

    public var text: String {
        var parts = [macAddress.map { "\(model)=\($0)" } ?? model]
        for key in values.keys.sorted() { parts.append("\(key)=\(values[key]!)") }
        return parts.joined(separator: ",")
    }
}
