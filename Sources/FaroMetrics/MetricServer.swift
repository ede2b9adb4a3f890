import FaroConfig

/// One external metric server of `status.cfg` (Proxmox's section-config file): an InfluxDB
/// (UDP, or HTTP(S) through the v2 write API) or a Graphite receiver (UDP or TCP).
public struct MetricServer: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case influxdb, graphite }

    public let id: String
    public let kind: Kind
    public let options: [String: String]

    public init(id: String, kind: Kind, options: [String: String]) {
        self.id = id
        self.kind = kind
        self.options = options
    }

    init?(_ section: SectionConfig.Section) {
        guard let kind = Kind(rawValue: section.type) else { return nil }
        self.init(id: section.id, kind: kind, options: section.values)
    }

    /// Options each type takes besides `server`, `port` and `disable` (Proxmox's plugin schemas).
    public static func options(of kind: Kind) -> Set<String> {
        switch kind {
        case .graphite: ["path", "proto", "timeout", "mtu"]
        case .influxdb:
            ["influxdbproto", "organization", "bucket", "token", "api-path-prefix", "max-body-size", "mtu", "timeout",
             "verify-certificate"]
        }
    }

    public var server: String { options["server"] ?? "" }
    public var port: Int { options["port"].flatMap { Int($0) } ?? 0 }
    public var isDisabled: Bool { options["disable"] == "1" }
    /// `udp`, `tcp` (Graphite) or `http`, `https` (InfluxDB).
    public var transport: String { options[kind == .influxdb ? "influxdbproto" : "proto"] ?? "udp" }
    public var mtu: Int { options["mtu"].flatMap { Int($0) } ?? 1500 }
    /// Seconds a TCP connection or HTTP request may take (Proxmox's default: 1).
    public var timeout: Int { options["timeout"].flatMap { Int($0) } ?? 1 }
    public var graphitePath: String { options["path"] ?? "proxmox" }
    public var organization: String { options["organization"] ?? "proxmox" }
    public var bucket: String { options["bucket"] ?? "proxmox" }
    public var maxBodySize: Int { options["max-body-size"].flatMap { Int($0) } ?? 25_000_000 }
    public var verifiesCertificate: Bool { options["verify-certificate"] != "0" }
    public var apiPathPrefix: String? { options["api-path-prefix"] }

    /// The list entry of `GET /cluster/metrics/server`.
    public var summary: [String: String] {
        ["id": id, "type": kind.rawValue, "server": server, "port": String(port), "disable": isDisabled ? "1" : "0"]
    }
}
