import FaroModel
import FaroSupport
import Foundation

/// The setup inside a fresh rootfs, per `ostype`: host name, `/etc/hosts`, network
/// configuration, DNS, root password and SSH keys. Every file is written without following
/// a symbolic link the template may have planted, and owned by the container's root.
public struct ContainerSetup: Sendable {
    public let rootfs: String
    /// The host uid/gid of the container's root (100000 when unprivileged).
    public let owner: UInt32
    public let runner: any CommandRunner

    public init(rootfs: String, owner: UInt32, runner: any CommandRunner) {
        self.rootfs = rootfs
        self.owner = owner
        self.runner = runner
    }

    /// The ostype from the files a distribution leaves; `unmanaged` when none matches.
    public static func detectOSType(rootfs: String) -> String {
        let markers: [(String, String)] = [
            ("etc/alpine-release", "alpine"), ("etc/devuan_version", "devuan"), ("etc/arch-release", "archlinux"),
            ("etc/fedora-release", "fedora"), ("etc/centos-release", "centos"), ("etc/gentoo-release", "gentoo"),
        ]
        for (file, ostype) in markers where FileIO.exists("\(rootfs)/\(file)") { return ostype }
        if let release = try? FileIO.readTextIfExists("\(rootfs)/etc/os-release") {
            for id in ["ubuntu", "debian", "opensuse", "nixos"] where release.contains("ID=\(id)") { return id }
        }
        return FileIO.exists("\(rootfs)/etc/debian_version") ? "debian" : "unmanaged"
    }

    public func apply(_ config: ContainerConfig, vmid: VMID, password: String?, sshKeys: String?) async throws {
        try writeHostAndNetwork(config, vmid: vmid)
        if let password { try await setRootPassword(password) }
        if let sshKeys { try write("root/.ssh/authorized_keys", sshKeys.hasSuffix("\n") ? sshKeys : sshKeys + "\n", mode: 0o600) }
    }

    /// Host name, `/etc/hosts`, network and DNS files from the config; at creation and at
    /// every start, so config changes reach the container. Nothing for `unmanaged`.
    public func writeHostAndNetwork(_ config: ContainerConfig, vmid: VMID) throws {
        guard config.ostype != "unmanaged" else { return }
        let hostname = config.hostname(vmid: vmid)
        try write("etc/hostname", hostname + "\n")
        try write("etc/hosts", Self.hosts(hostname: hostname, searchdomain: config["searchdomain"]))
        try writeNetworkConfiguration(config)
        if let nameservers = config["nameserver"] {
            try write("etc/resolv.conf", Self.resolvConf(nameservers: nameservers, searchdomain: config["searchdomain"]))
        }
    }

    public func writeNetworkConfiguration(_ config: ContainerConfig) throws {
        guard config.ostype != "unmanaged" else { return }
        try write("etc/network/interfaces", Self.interfaces(config.networks))
    }

    static func hosts(hostname: String, searchdomain: String?) -> String {
        let short = hostname.split(separator: ".").first.map(String.init) ?? hostname
        let fqdn = hostname.contains(".") ? hostname : searchdomain.map { "\(hostname).\($0.split(separator: " ")[0])" }
        let names = fqdn.map { "\($0) \(short)" } ?? short
        return "127.0.0.1 localhost.localdomain localhost\n127.0.1.1 \(names)\n::1 localhost ip6-localhost ip6-loopback\n"
    }

    /// ifupdown syntax, which Debian, Ubuntu, Devuan and Alpine (busybox) read.
    static func interfaces(_ networks: [(index: Int, values: [String: String])]) -> String {
        var out = "auto lo\niface lo inet loopback\n"
        for (_, net) in networks {
            guard let name = net["name"] else { continue }
            if let ip = net["ip"] {
                out += "\nauto \(name)\n"
                switch ip {
                case "dhcp": out += "iface \(name) inet dhcp\n"
                case "manual": out += "iface \(name) inet manual\n"
                default:
                    out += "iface \(name) inet static\n" + Self.addressLines(ip, v4: true)
                    if let gateway = net["gw"] { out += "\tgateway \(gateway)\n" }
                }
            }
            if let ip6 = net["ip6"] {
                if net["ip"] == nil { out += "\nauto \(name)\n" }
                switch ip6 {
                case "dhcp": out += "iface \(name) inet6 dhcp\n"
                case "auto": out += "iface \(name) inet6 auto\n"
                case "manual": out += "iface \(name) inet6 manual\n"
                default:
                    out += "iface \(name) inet6 static\n" + Self.addressLines(ip6, v4: false)
                    if let gateway = net["gw6"] { out += "\tgateway \(gateway)\n" }
                }
            }
        }
        return out
    }

    /// `address` and `netmask` lines: every ifupdown flavour (Debian's, ifupdown-ng, busybox)
    /// reads the split form, while only some accept a CIDR address.
    static func addressLines(_ cidr: String, v4: Bool) -> String {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let length = Int(parts[1]) else { return "\taddress \(cidr)\n" }
        guard v4, (0...32).contains(length) else { return "\taddress \(parts[0])\n\tnetmask \(length)\n" }
        let mask = length == 0 ? UInt32(0) : UInt32.max << (32 - UInt32(length))
        let dotted = [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        return "\taddress \(parts[0])\n\tnetmask \(dotted)\n"
    }

    static func resolvConf(nameservers: String, searchdomain: String?) -> String {
        var out = searchdomain.map { "search \($0)\n" } ?? ""
        for server in nameservers.split(separator: " ") { out += "nameserver \(server)\n" }
        return out
    }

    /// Replaces root's hash in `/etc/shadow` with a SHA-512 crypt hash (`openssl passwd -6`).
    func setRootPassword(_ password: String) async throws {
        let hash = try await runner.checked(["openssl", "passwd", "-6", "-stdin"], input: Array((password + "\n").utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let shadowPath = try checkedPath("etc/shadow")
        let existing = (try? FileIO.readTextIfExists(shadowPath)) ?? nil
        var lines = (existing ?? "").split(separator: "\n").map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix("root:") }) {
            var fields = lines[index].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            fields[1] = hash
            lines[index] = fields.joined(separator: ":")
        } else {
            lines.insert("root:\(hash):19000:0:99999:7:::", at: 0)
        }
        try write("etc/shadow", lines.joined(separator: "\n") + "\n", mode: 0o640)
    }

    /// The host path of `relative`, after checking that no existing component is a symbolic link.
    func checkedPath(_ relative: String) throws -> String {
        var path = rootfs
        for component in relative.split(separator: "/") {
            path += "/" + component
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK { throw LXCError.unsafePath(relative) }
        }
        return path
    }

    func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws {
        let path = try checkedPath(relative)
        try makeDirectories(relative.split(separator: "/").dropLast())
        try FileIO.writeAtomically(path, Array(text.utf8), mode: mode)
        lchown(path, owner, owner)
    }

    /// Creates the missing directories of `relative` (owned by the container's root) and
    /// returns its host path, refusing a symbolic link on the way.
    public func directory(_ relative: String) throws -> String {
        let path = try checkedPath(relative)
        try makeDirectories(relative.split(separator: "/"))
        return path
    }

    private func makeDirectories(_ components: some Sequence<Substring>) throws {
        var directory = rootfs
        for component in components {
            directory += "/" + component
            if !FileIO.exists(directory) {
                try FileIO.makeDirectory(directory, mode: 0o755)
                lchown(directory, owner, owner)
            }
        }
    }
}
