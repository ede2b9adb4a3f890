/// Bytes a network interface received and sent, as its counters read.
public struct NICCounters: Sendable, Equatable {
    public var received: Int
    public var sent: Int

    public init(received: Int, sent: Int) {
        self.received = received
        self.sent = sent
    }
}

/// One sample of the node: what `/nodes/{node}/status`, `/cluster/resources` and the node's
/// history show.
public struct NodeFigures: Sendable, Equatable {
    /// Seconds since the epoch when the sample was taken.
    public var time: Double
    /// Shares of the CPU time since the previous sample (0...1).
    public var cpu: Double
    public var iowait: Double
    public var idle: Double
    public var cpus: Int
    /// The 1, 5 and 15 minute load averages as the kernel prints them.
    public var loadAverage: [String]
    public var memoryTotal: Int
    public var memoryUsed: Int
    public var memoryFree: Int
    public var memoryAvailable: Int
    public var swapTotal: Int
    public var swapUsed: Int
    public var rootTotal: Int
    public var rootUsed: Int
    public var rootFree: Int
    public var rootAvailable: Int
    public var uptime: Int
    /// The physical NICs' counters by name; `netIn`/`netOut` are their sums.
    public var nics: [String: NICCounters]

    public init(
        time: Double, cpu: Double, iowait: Double, idle: Double, cpus: Int, loadAverage: [String], memoryTotal: Int,
        memoryUsed: Int, memoryFree: Int, memoryAvailable: Int, swapTotal: Int, swapUsed: Int, rootTotal: Int, rootUsed: Int,
        rootFree: Int, rootAvailable: Int, uptime: Int, nics: [String: NICCounters]
    ) {
        self.time = time
        self.cpu = cpu
        self.iowait = iowait
        self.idle = idle
        self.cpus = cpus
        self.loadAverage = loadAverage
        self.memoryTotal = memoryTotal
        self.memoryUsed = memoryUsed
        self.memoryFree = memoryFree
        self.memoryAvailable = memoryAvailable
        self.swapTotal = swapTotal
        self.swapUsed = swapUsed
        self.rootTotal = rootTotal
        self.rootUsed = rootUsed
        self.rootFree = rootFree
        self.rootAvailable = rootAvailable
        self.uptime = uptime
        self.nics = nics
    }

    public var netIn: Int { nics.values.reduce(0) { $0 + $1.received } }
    public var netOut: Int { nics.values.reduce(0) { $0 + $1.sent } }

    /// The values of a node series, in `SeriesKind.node.fields` order.
    public var seriesValues: [Double] {
        [
            Double(loadAverage.first ?? "") ?? 0, Double(cpus), cpu, iowait, Double(memoryTotal), Double(memoryUsed),
            Double(swapTotal), Double(swapUsed), Double(rootTotal), Double(rootUsed), Double(netIn), Double(netOut),
        ]
    }
}

/// One sample of a guest (VM or container), running or not.
public struct GuestFigures: Sendable, Equatable {
    public enum Kind: String, Sendable { case qemu, lxc }

    public var kind: Kind
    public var vmid: Int
    public var name: String
    public var time: Double
    public var running: Bool
    /// The process the guest runs as (QEMU, or the container's init), which tells one run of a
    /// guest from the next: counters of a new run start again.
    public var pid: Int?
    public var cpus: Int
    /// Share of the guest's CPUs used since the previous sample of the same run (0...1).
    public var cpu: Double = 0
    /// CPU time the guest's process has used, in seconds (the counter `cpu` comes from).
    public var cpuSeconds: Double = 0
    public var memory: Int = 0
    public var maxMemory: Int
    public var disk: Int = 0
    public var maxDisk: Int
    public var netIn: Int = 0
    public var netOut: Int = 0
    public var diskRead: Int = 0
    public var diskWrite: Int = 0
    public var uptime: Int = 0
    public var template: Bool = false
    /// The config's `tags`, `;`-separated.
    public var tags: String = ""

    public init(kind: Kind, vmid: Int, name: String, time: Double, running: Bool, cpus: Int, maxMemory: Int, maxDisk: Int) {
        self.kind = kind
        self.vmid = vmid
        self.name = name
        self.time = time
        self.running = running
        self.cpus = cpus
        self.maxMemory = maxMemory
        self.maxDisk = maxDisk
    }

    /// The values of a guest series, in `SeriesKind.guest.fields` order.
    public var seriesValues: [Double] {
        [
            Double(cpus), cpu, Double(maxMemory), Double(memory), Double(maxDisk), Double(disk), Double(netIn), Double(netOut),
            Double(diskRead), Double(diskWrite),
        ]
    }

    /// The CPU share since `previous`, when both are samples of the same run; 0 otherwise.
    public func cpuShare(since previous: GuestFigures?) -> Double {
        guard running, let previous, previous.running, previous.pid == pid, cpuSeconds >= previous.cpuSeconds,
            time > previous.time
        else { return 0 }
        return min(1, (cpuSeconds - previous.cpuSeconds) / (time - previous.time) / Double(max(1, cpus)))
    }
}

/// One sample of a storage on this node.
public struct StorageFigures: Sendable, Equatable {
    public var id: String
    /// The storage type (`dir`, `lvmthin`, ...), its content types (`images,iso`) and whether
    /// every node sees the same storage.
    public var type: String = ""
    public var content: String = ""
    public var shared = false
    public var time: Double
    public var active: Bool
    public var total: Int
    public var used: Int
    public var available: Int

    public init(id: String, time: Double, active: Bool, total: Int, used: Int, available: Int) {
        self.id = id
        self.time = time
        self.active = active
        self.total = total
        self.used = used
        self.available = available
    }

    public var seriesValues: [Double] { [Double(total), Double(used)] }
}
