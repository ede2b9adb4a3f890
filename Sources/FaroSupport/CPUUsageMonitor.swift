/// Keeps the CPU utilisation between the two newest samples of `/proc/stat`. The status
/// collector samples it every 10 s; readers get the last figure without touching `/proc`.
public actor CPUUsageMonitor {
    private let host: HostFacts
    private var previous: CPUTimes?
    private var latest = CPUUsage()
    /// Increases with every sample, so caches of derived figures know when to refresh.
    public private(set) var generation = 0

    public init(host: HostFacts) {
        self.host = host
        self.previous = host.cpuTimes()
    }

    public func sample() {
        guard let now = host.cpuTimes() else { return }
        if let previous { latest = now.usage(since: previous) }
        previous = now
        generation += 1
    }

    public var usage: CPUUsage { latest }
}
