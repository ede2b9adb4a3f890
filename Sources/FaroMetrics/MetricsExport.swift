/// The figures of rounds as flat metrics: `/cluster/metrics/export` (Proxmox's pull API:
/// `id`, `metric`, `timestamp`, `type`, `value`) and the Prometheus text exposition of
/// `/metrics`.
public enum MetricsExport {
    public struct Metric: Sendable, Equatable {
        public var id: String
        public var metric: String
        public var timestamp: Int
        /// `gauge`, or `derive` for a counter of bytes.
        public var type: String
        public var value: Double
    }

    /// Every figure of `round`, by object: the node, each guest, each active storage.
    public static func metrics(_ round: MetricsRound) -> [Metric] {
        var result: [Metric] = []
        func add(_ id: String, _ name: String, _ value: Double, derive: Bool = false) {
            guard value.isFinite else { return }
            result.append(Metric(id: id, metric: name, timestamp: round.time, type: derive ? "derive" : "gauge", value: value))
        }
        let node = round.figures
        let nodeID = "node/\(round.node)"
        let load = node.loadAverage.map { Double($0) ?? 0 } + [0, 0, 0]
        add(nodeID, "uptime", Double(node.uptime))
        add(nodeID, "cpu_current", node.cpu)
        add(nodeID, "cpu_max", Double(node.cpus))
        add(nodeID, "cpu_iowait", node.iowait)
        add(nodeID, "cpu_avg1", load[0])
        add(nodeID, "cpu_avg5", load[1])
        add(nodeID, "cpu_avg15", load[2])
        add(nodeID, "mem_used", Double(node.memoryUsed))
        add(nodeID, "mem_total", Double(node.memoryTotal))
        add(nodeID, "swap_used", Double(node.swapUsed))
        add(nodeID, "swap_total", Double(node.swapTotal))
        add(nodeID, "disk_used", Double(node.rootUsed))
        add(nodeID, "disk_total", Double(node.rootTotal))
        add(nodeID, "net_in", Double(node.netIn), derive: true)
        add(nodeID, "net_out", Double(node.netOut), derive: true)
        for guest in round.guests {
            let id = "\(guest.kind.rawValue)/\(guest.vmid)"
            add(id, "uptime", Double(guest.uptime))
            add(id, "cpu_current", guest.cpu)
            add(id, "cpu_max", Double(guest.cpus))
            add(id, "mem_used", Double(guest.memory))
            add(id, "mem_total", Double(guest.maxMemory))
            add(id, "disk_used", Double(guest.disk))
            add(id, "disk_total", Double(guest.maxDisk))
            add(id, "disk_read", Double(guest.diskRead), derive: true)
            add(id, "disk_write", Double(guest.diskWrite), derive: true)
            add(id, "net_in", Double(guest.netIn), derive: true)
            add(id, "net_out", Double(guest.netOut), derive: true)
        }
        for storage in round.storages where storage.active {
            let id = "storage/\(round.node)/\(storage.id)"
            add(id, "disk_used", Double(storage.used))
            add(id, "disk_total", Double(storage.total))
        }
        return result
    }

    /// The Prometheus text format with the metric names, labels and meanings of
    /// prometheus-pve-exporter's resource collector (`pve_up`, `pve_cpu_usage_ratio`, ...
    /// labelled by `id`), so its dashboards and alerts work against Faro without the exporter.
    public static func prometheusText(_ round: MetricsRound) -> String {
        var families: [(name: String, help: String, type: String, samples: [(labels: [(String, String)], value: Double)])] = []
        func family(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)], type: String = "gauge") {
            families.append((name, help, type, samples))
        }
        let node = round.figures
        let nodeID = "node/\(round.node)"
        let guests = round.guests
        let storages = round.storages.filter(\.active)
        func byID(_ nodeValue: Double?, _ guest: (GuestFigures) -> Double, _ storage: ((StorageFigures) -> Double)? = nil)
            -> [(labels: [(String, String)], value: Double)]
        {
            var samples: [(labels: [(String, String)], value: Double)] = []
            if let nodeValue { samples.append(([("id", nodeID)], nodeValue)) }
            samples += guests.map { ([("id", "\($0.kind.rawValue)/\($0.vmid)")], guest($0)) }
            if let storage { samples += storages.map { ([("id", "storage/\(round.node)/\($0.id)")], storage($0)) } }
            return samples
        }
        family("pve_up", "Node/VM/CT-Status is online/running", byID(1, { $0.running ? 1 : 0 }, { _ in 1 }))
        family("pve_disk_size_bytes", "Storage size in bytes (for type 'storage'), root image size for VMs (for types 'qemu' and 'lxc').",
            byID(Double(node.rootTotal), { Double($0.maxDisk) }, { Double($0.total) }))
        family("pve_disk_usage_bytes", "Disk usage in bytes", byID(Double(node.rootUsed), { Double($0.disk) }, { Double($0.used) }))
        family("pve_memory_size_bytes", "Number of available memory in bytes", byID(Double(node.memoryTotal), { Double($0.maxMemory) }))
        family("pve_memory_usage_bytes", "Memory usage in bytes", byID(Double(node.memoryUsed), { Double($0.memory) }))
        family("pve_network_transmit_bytes", "Number of bytes transmitted over the network", byID(Double(node.netOut), { Double($0.netOut) }))
        family("pve_network_receive_bytes", "Number of bytes received over the network", byID(Double(node.netIn), { Double($0.netIn) }))
        family("pve_disk_write_bytes", "Number of bytes written to storage", byID(nil, { Double($0.diskWrite) }))
        family("pve_disk_read_bytes", "Number of bytes read from storage", byID(nil, { Double($0.diskRead) }))
        family("pve_cpu_usage_ratio", "CPU utilization (for types 'node', 'qemu' and 'lxc').", byID(node.cpu, { $0.cpu }))
        family("pve_cpu_usage_limit", "Number of available CPUs (for types 'node', 'qemu' and 'lxc').",
            byID(Double(node.cpus), { Double($0.cpus) }))
        family("pve_uptime_seconds", "Number of seconds since the last boot", byID(Double(node.uptime), { Double($0.uptime) }))
        family("pve_storage_shared", "Whether or not the storage is shared among cluster nodes",
            storages.map { ([("id", "storage/\(round.node)/\($0.id)")], $0.shared ? 1 : 0) })
        family("pve_network_transmit_bytes_total", "Bytes the guest sent over the network since it started",
            byID(nil, { Double($0.netOut) }), type: "counter")
        family("pve_network_receive_bytes_total", "Bytes the guest received over the network since it started",
            byID(nil, { Double($0.netIn) }), type: "counter")
        family("pve_disk_written_bytes_total", "Bytes the guest wrote to its block devices since it started",
            byID(nil, { Double($0.diskWrite) }), type: "counter")
        family("pve_disk_read_bytes_total", "Bytes the guest read from its block devices since it started",
            byID(nil, { Double($0.diskRead) }), type: "counter")
        family("pve_guest_info", "VM/CT info", guests.map { guest in
            ([("id", "\(guest.kind.rawValue)/\(guest.vmid)"), ("node", round.node), ("name", guest.name), ("type", guest.kind.rawValue),
              ("template", guest.template ? "1" : "0"), ("tags", guest.tags)], 1)
        })
        family("pve_storage_info", "Storage info", storages.map { storage in
            ([("id", "storage/\(round.node)/\(storage.id)"), ("node", round.node), ("storage", storage.id),
              ("plugintype", storage.type), ("content", storage.content.split(separator: ",").sorted().joined(separator: ","))], 1)
        })
        family("pve_node_info", "Node info", [([("id", nodeID), ("level", ""), ("name", round.node), ("nodeid", "0")], 1)])
        var text = ""
        for (name, help, type, samples) in families {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples {
                let rendered = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
                text += "\(name){\(rendered)} \(MetricsPayload.number(value))\n"
            }
        }
        return text
    }

    /// Label values escape backslash, double quote and line feed.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
