/// The node's KVM verdict: the probe runs once, in the background, when the daemon starts;
/// whoever asks before it finishes waits for it.
public actor KVMStatus {
    private let probe: Task<KVMAvailability, Never>

    public init(_ run: @escaping @Sendable () async -> KVMAvailability) {
        probe = Task { await run() }
    }

    public init(fixed: KVMAvailability) {
        probe = Task { fixed }
    }

    public var availability: KVMAvailability { get async { await probe.value } }
}
