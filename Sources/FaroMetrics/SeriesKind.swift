/// What a series describes, which fixes its fields (Proxmox's `rrddata` names, in its order)
/// and which of them are counters stored as rates per second.
public enum SeriesKind: String, Sendable, CaseIterable {
    case node, guest, storage

    public var fields: [String] {
        switch self {
        case .node:
            ["loadavg", "maxcpu", "cpu", "iowait", "memtotal", "memused", "swaptotal", "swapused", "roottotal", "rootused",
             "netin", "netout"]
        case .guest: ["maxcpu", "cpu", "maxmem", "mem", "maxdisk", "disk", "netin", "netout", "diskread", "diskwrite"]
        case .storage: ["total", "used"]
        }
    }

    /// Fields given as cumulative counters (bytes) and kept as bytes per second.
    public var counterFields: Set<String> {
        switch self {
        case .node: ["netin", "netout"]
        case .guest: ["netin", "netout", "diskread", "diskwrite"]
        case .storage: []
        }
    }

    public var frames: [TimeFrame] {
        self == .node ? TimeFrame.allCases : TimeFrame.allCases.filter { $0 != .decade }
    }
}

/// One series: a node (`node/<name>`), a guest (`guest/<vmid>`, VMs and containers alike, as
/// Proxmox keeps one series per VMID) or a storage of a node (`storage/<node>/<id>`).
public struct SeriesKey: Hashable, Sendable, CustomStringConvertible {
    public let kind: SeriesKind
    /// The node name, the VMID, or `<node>/<storage>`.
    public let name: String

    public static func node(_ name: String) -> SeriesKey { SeriesKey(kind: .node, name: name) }
    public static func guest(_ vmid: Int) -> SeriesKey { SeriesKey(kind: .guest, name: String(vmid)) }
    public static func storage(node: String, id: String) -> SeriesKey { SeriesKey(kind: .storage, name: "\(node)/\(id)") }

    public var description: String { "\(kind.rawValue)/\(name)" }
}
