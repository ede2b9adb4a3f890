import Foundation

/// One collection round as metric servers receive it.
public struct MetricsRound: Sendable {
    public var node: String
    /// Seconds since the epoch.
    public var time: Int
    public var figures: NodeFigures
    public var guests: [GuestFigures]
    public var storages: [StorageFigures]

    public init(node: String, time: Int, figures: NodeFigures, guests: [GuestFigures], storages: [StorageFigures]) {
        self.node = node
        self.time = time
        self.figures = figures
        self.guests = guests
        self.storages = storages
    }
}

/// A value of a metric: a number, or a text (InfluxDB takes it quoted; Graphite skips it).
enum MetricValue: Sendable, Equatable {
    case number(Double)
    case text(String)
}

/// Proxmox's data layout for metric servers: per object a flat `system` group of scalars and
/// named sub-groups (`cpustat`, `memory`, `nics` with one instance per NIC).
struct MetricObject {
    /// InfluxDB tags (`object=nodes,host=<node>`) in order; Graphite's path is `graphitePath`.
    var tags: [(String, String)]
    var graphitePath: String
    var system: [String: MetricValue]
    var groups: [(name: String, instance: String?, values: [String: MetricValue])]
}

public enum MetricsPayload {
    static func objects(_ round: MetricsRound) -> [MetricObject] {
        let node = round.figures
        let load = node.loadAverage.map { Double($0) ?? 0 } + [0, 0, 0]
        var nodeObject = MetricObject(
            tags: [("object", "nodes"), ("host", round.node)], graphitePath: "nodes.\(round.node)",
            system: ["uptime": .number(Double(node.uptime))], groups: [])
        nodeObject.groups.append((
            "cpustat", nil,
            [
                "cpu": .number(node.cpu), "cpus": .number(Double(node.cpus)), "iowait": .number(node.iowait),
                "idle": .number(node.idle), "avg1": .number(load[0]), "avg5": .number(load[1]), "avg15": .number(load[2]),
            ]
        ))
        nodeObject.groups.append((
            "memory", nil,
            [
                "memtotal": .number(Double(node.memoryTotal)), "memused": .number(Double(node.memoryUsed)),
                "memfree": .number(Double(node.memoryFree)), "swaptotal": .number(Double(node.swapTotal)),
                "swapused": .number(Double(node.swapUsed)), "swapfree": .number(Double(node.swapTotal - node.swapUsed)),
            ]
        ))
        for name in node.nics.keys.sorted() {
            let nic = node.nics[name]!
            nodeObject.groups.append(("nics", name, ["receive": .number(Double(nic.received)), "transmit": .number(Double(nic.sent))]))
        }
        var objects = [nodeObject]
        for guest in round.guests {
            var tags = [("object", guest.kind.rawValue), ("vmid", String(guest.vmid)), ("nodename", round.node)]
            if !guest.name.isEmpty { tags.append(("host", guest.name)) }
            let values: [String: MetricValue] = [
                "name": .text(guest.name), "status": .text(guest.running ? "running" : "stopped"),
                "vmid": .number(Double(guest.vmid)), "uptime": .number(Double(guest.uptime)), "cpu": .number(guest.cpu),
                "cpus": .number(Double(guest.cpus)), "mem": .number(Double(guest.memory)), "maxmem": .number(Double(guest.maxMemory)),
                "disk": .number(Double(guest.disk)), "maxdisk": .number(Double(guest.maxDisk)),
                "netin": .number(Double(guest.netIn)), "netout": .number(Double(guest.netOut)),
                "diskread": .number(Double(guest.diskRead)), "diskwrite": .number(Double(guest.diskWrite)),
                "template": .number(guest.template ? 1 : 0),
            ]
            objects.append(MetricObject(tags: tags, graphitePath: "\(guest.kind.rawValue).\(guest.vmid)", system: values, groups: []))
        }
        for storage in round.storages where storage.active {
            var tags = [("object", "storages"), ("nodename", round.node), ("host", storage.id)]
            if !storage.type.isEmpty { tags.append(("type", storage.type)) }
            objects.append(
                MetricObject(
                    tags: tags, graphitePath: "storages.\(round.node).\(storage.id)",
                    system: [
                        "total": .number(Double(storage.total)), "used": .number(Double(storage.used)),
                        "avail": .number(Double(storage.available)), "active": .number(1), "enabled": .number(1),
                    ], groups: []))
        }
        return objects
    }

    /// InfluxDB line protocol, one line per measurement (`system`, `cpustat`, `memory`, `nics`
    /// with `instance=<nic>`), fields sorted, time in nanoseconds.
    public static func influxLines(_ round: MetricsRound) -> [String] {
        let time = "\(round.time)000000000"
        var lines: [String] = []
        for object in objects(round) {
            let tags = object.tags.map { "\($0.0)=\(escapeTag($0.1))" }.joined(separator: ",")
            for (name, instance, values) in [("system", nil, object.system)] + object.groups {
                let fields = values.keys.sorted().compactMap { key -> String? in
                    switch values[key]! {
                    case .number(let value): value.isFinite ? "\(key)=\(number(value))" : nil
                    case .text(let text): "\(key)=\"\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
                    }
                }
                guard !fields.isEmpty else { continue }
                let instanceTag = instance.map { ",instance=\(escapeTag($0))" } ?? ""
                lines.append("\(name),\(tags)\(instanceTag) \(fields.joined(separator: ",")) \(time)")
            }
        }
        return lines
    }

    /// Graphite's plaintext protocol: `<path>.<object path>[.<group>[.<instance>]].<key> <value> <time>`;
    /// texts are left out.
    public static func graphiteLines(_ round: MetricsRound, path: String) -> [String] {
        var lines: [String] = []
        for object in objects(round) {
            for (name, instance, values) in [(String?.none, String?.none, object.system)] + object.groups.map({ ($0.name, $0.instance, $0.values) }) {
                let prefix = [path, object.graphitePath, name, instance].compactMap { $0 }.map(graphiteSegment).joined(separator: ".")
                for key in values.keys.sorted() {
                    guard case .number(let value) = values[key]!, value.isFinite else { continue }
                    lines.append("\(prefix).\(key) \(number(value)) \(round.time)")
                }
            }
        }
        return lines
    }

    /// Integers without a fraction, others as Swift prints doubles.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func escapeTag(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == " " || character == "," || character == "=" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// A path segment without the separators of Graphite's protocol.
    static func graphiteSegment(_ text: String) -> String {
        String(text.map { $0 == " " || $0 == "\n" ? "_" : $0 })
    }
}
