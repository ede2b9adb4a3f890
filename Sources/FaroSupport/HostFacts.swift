#if canImport(Glibc)
import Glibc
#endif

/// Where host facts are read from. Production uses `/proc` and `/sys`; tests point these at
/// fixture directories. (The node's own `/etc` files are `NodeSystemFiles`, under its root.)
public struct HostSources: Sendable {
    public var proc: String
    public var sys: String

    public init(proc: String = "/proc", sys: String = "/sys") {
        self.proc = proc
        self.sys = sys
    }
}

/// Cumulative CPU times from `/proc/stat` (clock ticks).
public struct CPUTimes: Sendable, Equatable {
    public var busy: UInt64
    public var idle: UInt64
    public var iowait: UInt64
    public var total: UInt64 { busy + idle + iowait }

    /// Utilisation between two samples (0...1), the I/O-wait share and the idle share.
    public func usage(since earlier: CPUTimes) -> CPUUsage {
        let total = Double(self.total &- earlier.total)
        guard total > 0 else { return CPUUsage() }
        return CPUUsage(
            cpu: Double(busy &- earlier.busy) / total, wait: Double(iowait &- earlier.iowait) / total,
            idle: Double(idle &- earlier.idle) / total)
    }
}

/// Shares of the CPU time between two samples of `/proc/stat`, each 0...1.
public struct CPUUsage: Sendable, Equatable {
    public var cpu: Double = 0
    public var wait: Double = 0
    public var idle: Double = 0

    public init(cpu: Double = 0, wait: Double = 0, idle: Double = 0) {
        self.cpu = cpu
        self.wait = wait
        self.idle = idle
    }
}

public struct MemoryFacts: Sendable, Equatable {
    public var total: Int
    public var available: Int
    public var free: Int
    public var swapTotal: Int
    public var swapFree: Int
    public var used: Int { max(0, total - available) }
}

public struct CPUInfo: Sendable, Equatable {
    public var model: String
    public var cpus: Int
    public var cores: Int
    public var sockets: Int
    public var mhz: String
    public var flags: String
    public var hvm: Bool
}

public struct FileSystemUsage: Sendable, Equatable {
    public var total: Int
    public var free: Int
    public var avail: Int
    public var used: Int { max(0, total - free) }

    public init(total: Int, free: Int, avail: Int) {
        self.total = total
        self.free = free
        self.avail = avail
    }
}

public struct KernelInfo: Sendable, Equatable {
    public var sysname: String
    public var release: String
    public var version: String
    public var machine: String
}

/// Pure parsers for the kernel's text files; `HostFacts` feeds them.
public enum ProcParser {
    public static func cpuTimes(stat: String) -> CPUTimes? {
        guard let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already in user).
        let busy = values[0] + values[1] + values[2] + values.dropFirst(5).prefix(3).reduce(0, +)
        return CPUTimes(busy: busy, idle: values[3], iowait: values[4])
    }

    public static func memory(meminfo: String) -> MemoryFacts {
        var fields: [String: Int] = [:]
        for line in meminfo.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            fields[String(parts[0].dropLast())] = value * 1024
        }
        let total = fields["MemTotal"] ?? 0
        let free = fields["MemFree"] ?? 0
        let available = fields["MemAvailable"] ?? (free + (fields["Buffers"] ?? 0) + (fields["Cached"] ?? 0))
        return MemoryFacts(
            total: total, available: available, free: free,
            swapTotal: fields["SwapTotal"] ?? 0, swapFree: fields["SwapFree"] ?? 0)
    }

    public static func loadAverage(_ text: String) -> [String] {
        Array(text.split(separator: " ").prefix(3).map(String.init))
    }

    public static func uptime(_ text: String) -> Int {
        Int(Double(text.split(separator: " ").first ?? "0") ?? 0)
    }

    public static func cpuInfo(_ text: String) -> CPUInfo {
        var model = "unknown"
        var mhz = ""
        var flags = ""
        var processors = 0
        var physicalIDs = Set<String>()
        var coresPerSocket = 0
        for line in text.split(separator: "\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingSpaces() }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "processor": processors += 1
            case "model name": model = pair[1]
            case "cpu MHz": mhz = pair[1]
            case "flags": flags = pair[1]
            case "physical id": physicalIDs.insert(pair[1])
            case "cpu cores": coresPerSocket = Int(pair[1]) ?? coresPerSocket
            default: break
            }
        }
        let sockets = max(1, physicalIDs.count)
        let flagSet = Set(flags.split(separator: " "))
        return CPUInfo(
            model: model, cpus: processors, cores: coresPerSocket > 0 ? coresPerSocket : processors / sockets,
            sockets: sockets, mhz: mhz, flags: flags, hvm: flagSet.contains("vmx") || flagSet.contains("svm"))
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// Reads facts about the host the daemon runs on.
public struct HostFacts: Sendable {
    public let sources: HostSources

    public init(sources: HostSources = HostSources()) { self.sources = sources }

    private func text(_ base: String, _ relative: String) -> String {
        (try? FileIO.readText(base + "/" + relative)) ?? ""
    }

    public func cpuTimes() -> CPUTimes? { ProcParser.cpuTimes(stat: text(sources.proc, "stat")) }
    public func memory() -> MemoryFacts { ProcParser.memory(meminfo: text(sources.proc, "meminfo")) }
    public func loadAverage() -> [String] { ProcParser.loadAverage(text(sources.proc, "loadavg")) }
    public func uptime() -> Int { ProcParser.uptime(text(sources.proc, "uptime")) }
    public func cpuInfo() -> CPUInfo { ProcParser.cpuInfo(text(sources.proc, "cpuinfo")) }
    public func bootsWithEFI() -> Bool { FileIO.isDirectory(sources.sys + "/firmware/efi") }

    /// Bytes shared by kernel same-page merging.
    public func ksmShared() -> Int {
        let pages = Int(text(sources.sys, "kernel/mm/ksm/pages_sharing").split(separator: "\n").first ?? "0") ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    public func fileSystem(at path: String) -> FileSystemUsage? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let block = Int(info.f_frsize)
        return FileSystemUsage(
            total: Int(info.f_blocks) * block, free: Int(info.f_bfree) * block, avail: Int(info.f_bavail) * block)
    }

    public func kernel() -> KernelInfo {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        return KernelInfo(
            sysname: field(name.sysname), release: field(name.release), version: field(name.version),
            machine: field(name.machine))
    }

    /// Start time of a process in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
    public func processStart(pid: Int32) -> Int {
        let stat = text(sources.proc, "\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? Int(fields[19]) ?? 0 : 0
    }

    public static var currentPID: Int32 { getpid() }

    /// The kernel's clock ticks per second (`USER_HZ`), the unit of `/proc/stat` and `/proc/PID/stat`.
    public static var clockTicksPerSecond: Int { sysconf(Int32(_SC_CLK_TCK)) }

    /// The short host name (up to the first dot).
    public static func shortHostname() -> String {
        var buffer = [Int8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "localhost")
    }
}

extension HostFacts {
    /// The first non-loopback IPv4 address of the host, for `/cluster/status`.
    public static func primaryIPv4() -> String {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return "127.0.0.1" }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                (entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK)) == 0
            else { continue }
            var text = [Int8](repeating: 0, count: Int(INET_ADDRSTRLEN))
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var raw = sin.pointee.sin_addr
                _ = inet_ntop(AF_INET, &raw, &text, socklen_t(INET_ADDRSTRLEN))
            }
            return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return "127.0.0.1"
    }

    /// cgroup version of the host: 2 when the unified hierarchy is mounted, else 1.
    public func cgroupMode() -> Int {
        FileIO.exists(sources.sys + "/fs/cgroup/cgroup.controllers") ? 2 : 1
    }
}
