import FaroAPI
import ServiceLifecycle

/// Runs the metrics collector every 10 s, as Proxmox's pvestatd runs its update.
struct StatusCollector: Service {
    let metrics: MetricsCollector
    let interval: Duration

    func run() async throws {
        await metrics.collect()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await metrics.collect()
        }
    }
}
