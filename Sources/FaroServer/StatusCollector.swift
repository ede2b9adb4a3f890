import FaroSupport
import ServiceLifecycle

/// Samples the node's figures every 10 s, as Proxmox's pvestatd does.
struct StatusCollector: Service {
    let cpu: CPUUsageMonitor
    let interval: Duration

    func run() async throws {
        await cpu.sample()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await cpu.sample()
        }
    }
}
