/// The node's KVM verdict: the probe runs once, in the background, when the daemon starts;
/// a VM start that needs it waits for it, the node status shows it once it is known.
public actor KVMStatus {
    private let probe: Task<KVMAvailability, Never>
    /// nil while the probe still runs.
    public private(set) var settled: KVMAvailability?

    public init(_ run: @escaping @Sendable () async -> KVMAvailability) {
        let probe = Task { await run() }
        self.probe = probe
        Task { [weak self] in
            let value = await probe.value
            await self?.record(value)
        }
    }

    public init(fixed: KVMAvailability) {
        probe = Task { fixed }
        settled = fixed
    }

    private func record(_ value: KVMAvailability) { settled = value }

    public var availability: KVMAvailability { get async { await probe.value } }
}
