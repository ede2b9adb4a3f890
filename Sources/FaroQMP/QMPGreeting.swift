import FaroModel

/// The banner QEMU sends when a client connects: its version and the capabilities it offers.
public struct QMPGreeting: Sendable, Hashable {
    public var major: Int
    public var minor: Int
    public var micro: Int
    /// The distribution's package string, such as `Debian 1:7.2+dfsg-7`.
    public var package: String
    public var capabilities: [String]

    public init(major: Int, minor: Int, micro: Int, package: String = "", capabilities: [String] = []) {
        self.major = major
        self.minor = minor
        self.micro = micro
        self.package = package
        self.capabilities = capabilities
    }

    /// `major.minor.micro`, as Proxmox reports `running-qemu`.
    public var version: String { "\(major).\(minor).\(micro)" }

    /// Reads `{"QMP": {"version": {"qemu": {...}, "package": ...}, "capabilities": [...]}}`.
    public init?(_ message: JSONValue) {
        guard let banner = message["QMP"], let qemu = banner["version"]?["qemu"],
            let major = qemu["major"]?.intValue, let minor = qemu["minor"]?.intValue, let micro = qemu["micro"]?.intValue
        else { return nil }
        self.init(
            major: major, minor: minor, micro: micro, package: banner["version"]?["package"]?.stringValue ?? "",
            capabilities: banner["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
