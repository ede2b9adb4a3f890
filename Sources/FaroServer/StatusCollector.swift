import FaroAPI
import ServiceLifecycle

/// Runs the metrics collector every 10 s, as Proxmox's pvestatd runs its update, and
/// publishes each round for the other nodes; the status lease is renewed in between.
struct StatusCollector: Service {
    let metrics: MetricsCollector
    let publisher: StatusPublisher
    let interval: Duration

    func run() async throws {
        let renewals = Task { await publisher.keepAlive() }
        defer { renewals.cancel() }
        await round()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await round()
        }
    }

    private func round() async {
        await metrics.collect()
        // Without quorum the status cannot be published; the next round tries again.
        try? await publisher.publish()
    }
}
