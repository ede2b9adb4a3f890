import FaroGuestSchema
import FaroModel
import FaroSchema
import FaroStore
import Foundation

/// The files of a VM's cloud-init drive, from its config, in the layout cloud-init reads:
/// - `nocloud` (Linux guests): volume label `cidata`, `user-data` (`#cloud-config`),
///   `network-config` (version 1), `meta-data` (`instance-id`);
/// - `configdrive2` (Windows guests, cloudbase-init): label `config-2`,
///   `openstack/latest/{meta_data.json,user_data}` and the network as an interfaces file in
///   `openstack/content/0000`.
/// The instance id is a digest of what the guest is given, so a change makes cloud-init run
/// its per-instance steps again. `cicustom` snippets replace the generated file of their kind.
public struct CloudInitData: Sendable, Equatable {
    public enum Format: String, Sendable { case nocloud, configdrive2 }

    public var format: Format
    public var userData: String
    public var networkConfig: String
    public var metaData: String
    public var vendorData: String?

    /// The keys whose values make up the drive (`[special:cloudinit]` records them).
    public static func isCloudInitKey(_ key: String) -> Bool {
        ["cicustom", "cipassword", "citype", "ciupgrade", "ciuser", "nameserver", "searchdomain", "sshkeys"].contains(key)
            || VMOptions.splitIndexed(key)?.0 == "ipconfig"
    }

    /// The format a config asks for: `citype`, else by `ostype` (Windows: configdrive2).
    public static func format(of config: VMConfig) -> Format {
        if let type = config["citype"], let format = Format(rawValue: type) { return format }
        return (config["ostype"] ?? "").hasPrefix("w") ? .configdrive2 : .nocloud
    }

    /// The generated files; `snippet` reads a `cicustom` volume (its text).
    public static func build(
        _ config: VMConfig, vmid: VMID, snippet: (String) throws -> String = { _ in "" }
    ) throws -> CloudInitData {
        let format = format(of: config)
        let custom = try config["cicustom"].map { try PropertyString.parse($0, keys: DeviceKeys.cicustom) } ?? [:]
        let nets = try config.nets()
        let user = try custom["user"].map(snippet) ?? userData(config, vmid: vmid)
        let network = try custom["network"].map(snippet)
            ?? (format == .nocloud ? try networkConfigV1(config, nets: nets) : try interfacesFile(config, nets: nets))
        let vendor = try custom["vendor"].map(snippet)
        let identity = StoreFile.digest(of: Array((user + network + (vendor ?? "")).utf8))
        let meta: String
        if let file = custom["meta"] {
            meta = try snippet(file)
        } else if format == .nocloud {
            meta = "instance-id: \(identity)\n"
        } else {
            meta = configDriveMetaData(uuid: identity, hasNetwork: !nets.isEmpty)
        }
        return CloudInitData(format: format, userData: user, networkConfig: network, metaData: meta, vendorData: vendor)
    }

    /// `user-data` as `#cloud-config`: host name, user, password hash, keys, upgrade.
    static func userData(_ config: VMConfig, vmid: VMID) -> String {
        var lines = ["#cloud-config"]
        let hostname = config["name"] ?? "VM\(vmid)"
        lines.append("hostname: \(hostname)")
        lines.append("manage_etc_hosts: true")
        if let domain = searchDomains(config).first { lines.append("fqdn: \(hostname).\(domain)") }
        if let user = config["ciuser"] { lines.append("user: \(yamlQuoted(user))") }
        if let password = config["cipassword"] { lines.append("password: \(yamlQuoted(password))") }
        let keys = sshKeys(config)
        if !keys.isEmpty {
            lines.append("ssh_authorized_keys:")
            lines += keys.map { "  - \(yamlQuoted($0))" }
        }
        lines.append("chpasswd:")
        lines.append("  expire: False")
        lines.append("users:")
        lines.append("  - default")
        if config["ciupgrade"] != "0" { lines.append("package_upgrade: true") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `sshkeys` is URL-encoded, one OpenSSH key per line.
    static func sshKeys(_ config: VMConfig) -> [String] {
        guard let encoded = config["sshkeys"] else { return [] }
        let text = encoded.removingPercentEncoding ?? encoded
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func nameservers(_ config: VMConfig) -> [String] {
        (config["nameserver"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
    }

    static func searchDomains(_ config: VMConfig) -> [String] {
        (config["searchdomain"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
    }

    /// The addresses of NIC `index` (`ipconfigN`); no entry at all means DHCP on IPv4.
    static func addresses(_ config: VMConfig, index: Int) throws -> [String: String] {
        guard let text = config["ipconfig\(index)"] else { return ["ip": "dhcp"] }
        return try PropertyString.parse(text, keys: DeviceKeys.ipconfig)
    }

    /// `network-config` version 1: a physical entry per NIC (the guest's `eth<N>`, matched by
    /// MAC) with its subnets, then the name servers.
    static func networkConfigV1(_ config: VMConfig, nets: [NetDevice]) throws -> String {
        var lines = ["version: 1", "config:"]
        for net in nets {
            lines.append("    - type: physical")
            lines.append("      name: eth\(net.index)")
            if let mac = net.macAddress { lines.append("      mac_address: '\(mac.lowercased())'") }
            let addresses = try addresses(config, index: net.index)
            var subnets: [[String]] = []
            switch addresses["ip"] {
            case "dhcp"?: subnets.append(["type: dhcp4"])
            case let cidr? where cidr != "manual":
                let (address, netmask) = try ipv4(cidr, key: "ipconfig\(net.index)")
                var subnet = ["type: static", "address: '\(address)'", "netmask: '\(netmask)'"]
                if let gateway = addresses["gw"] { subnet.append("gateway: '\(gateway)'") }
                subnets.append(subnet)
            default: break
            }
            switch addresses["ip6"] {
            case "dhcp"?: subnets.append(["type: dhcp6"])
            case "auto"?: subnets.append(["type: ipv6_slaac"])
            case let cidr? where cidr != "manual":
                var subnet = ["type: static6", "address: '\(cidr)'"]
                if let gateway = addresses["gw6"] { subnet.append("gateway: '\(gateway)'") }
                subnets.append(subnet)
            default: break
            }
            if !subnets.isEmpty {
                lines.append("      subnets:")
                for subnet in subnets {
                    lines.append("      - " + subnet[0])
                    lines += subnet.dropFirst().map { "        " + $0 }
                }
            }
        }
        let (servers, domains) = (nameservers(config), searchDomains(config))
        if !servers.isEmpty || !domains.isEmpty {
            lines.append("    - type: nameserver")
            if !servers.isEmpty {
                lines.append("      address:")
                lines += servers.map { "      - '\($0)'" }
            }
            if !domains.isEmpty {
                lines.append("      search:")
                lines += domains.map { "      - '\($0)'" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The network as a Debian interfaces file, what configdrive2 readers take.
    static func interfacesFile(_ config: VMConfig, nets: [NetDevice]) throws -> String {
        var lines = ["auto lo", "iface lo inet loopback", ""]
        for net in nets {
            let name = "eth\(net.index)"
            let addresses = try addresses(config, index: net.index)
            lines.append("auto \(name)")
            switch addresses["ip"] {
            case "dhcp"?: lines.append("iface \(name) inet dhcp")
            case let cidr? where cidr != "manual":
                let (address, netmask) = try ipv4(cidr, key: "ipconfig\(net.index)")
                lines.append("iface \(name) inet static")
                lines.append("        address \(address)")
                lines.append("        netmask \(netmask)")
                if let gateway = addresses["gw"] { lines.append("        gateway \(gateway)") }
            default: break
            }
            switch addresses["ip6"] {
            case "dhcp"?: lines.append("iface \(name) inet6 dhcp")
            case "auto"?: lines.append("iface \(name) inet6 auto")
            case let cidr? where cidr != "manual":
                let parts = cidr.split(separator: "/")
                lines.append("iface \(name) inet6 static")
                lines.append("        address \(parts[0])")
                if parts.count == 2 { lines.append("        netmask \(parts[1])") }
                if let gateway = addresses["gw6"] { lines.append("        gateway \(gateway)") }
            default: break
            }
            lines.append("")
        }
        let (servers, domains) = (nameservers(config), searchDomains(config))
        if !servers.isEmpty { lines.append("        dns_nameservers \(servers.joined(separator: " "))") }
        if !domains.isEmpty { lines.append("        dns_search \(domains.joined(separator: " "))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func configDriveMetaData(uuid: String, hasNetwork: Bool) -> String {
        var object: [String: JSONValue] = ["uuid": .string(uuid)]
        if hasNetwork { object["network_config"] = .object(["content_path": "/content/0000"]) }
        return JSONWriter.string(.object(object)) + "\n"
    }

    /// `192.0.2.10/24` → (`192.0.2.10`, `255.255.255.0`).
    static func ipv4(_ cidr: String, key: String) throws -> (String, String) {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits), IPAddress.parseV4(String(parts[0])) != nil else {
            throw VMConfigError.invalidOption(key: key, message: "invalid IPv4 address '\(cidr)'")
        }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        let netmask = [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xff) }.joined(separator: ".")
        return (String(parts[0]), netmask)
    }

    /// A YAML scalar in single quotes (a quote doubled), so no value can add keys.
    static func yamlQuoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The files of the drive: path in the image → contents.
    public var files: [(path: String, contents: String)] {
        switch format {
        case .nocloud:
            var files = [("meta-data", metaData), ("user-data", userData), ("network-config", networkConfig)]
            if let vendorData { files.append(("vendor-data", vendorData)) }
            return files
        case .configdrive2:
            var files = [
                ("openstack/latest/meta_data.json", metaData), ("openstack/latest/user_data", userData),
                ("openstack/content/0000", networkConfig),
            ]
            if let vendorData { files.append(("openstack/latest/vendor_data.json", vendorData)) }
            return files
        }
    }

    /// The volume label cloud-init looks for.
    public var label: String { format == .nocloud ? "cidata" : "config-2" }
}
