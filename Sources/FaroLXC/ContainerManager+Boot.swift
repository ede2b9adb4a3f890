import FaroModel

extension ContainerManager {
    /// Starts the `onboot` containers that are not running, in `startup` order (VMID within one
    /// order, unordered ones last), waiting `up=` seconds after each where set. Failures are
    /// reported and skipped.
    public func startOnBoot(log: @Sendable (String) -> Void) async {
        var candidates: [(order: Int, vmid: VMID, up: Int)] = []
        for vmid in (try? await list()) ?? [] {
            guard let config = try? await read(vmid).config, config.flag("onboot"), !config.isTemplate,
                (try? await state(vmid).running) == false
            else { continue }
            let startup = config.startup
            candidates.append((startup["order"] ?? Int.max, vmid, startup["up"] ?? 0))
        }
        for candidate in candidates.sorted(by: { ($0.order, $0.vmid.rawValue) < ($1.order, $1.vmid.rawValue) }) {
            do {
                try await start(candidate.vmid, log: log)
                if candidate.up > 0 { try? await Task.sleep(for: .seconds(candidate.up)) }
            } catch {
                log("CT \(candidate.vmid): start at boot failed - \(error)")
            }
        }
    }
}

extension ContainerConfig {
    /// `startup: [order=]N,up=S,down=S` as numbers.
    public var startup: [String: Int] {
        var values: [String: Int] = [:]
        for part in (self["startup"] ?? "").split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 1, let order = Int(pair[0]) { values["order"] = order }
            if pair.count == 2, let number = Int(pair[1]) { values[String(pair[0])] = number }
        }
        return values
    }
}
