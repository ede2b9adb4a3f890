import FaroModel
import FaroSupport

/// Changes applied to a running container: cgroup limits through `lxc-cgroup`, NICs through
/// veth pairs. A change that fails goes back to `[pve:pending]` and is reported.
extension ContainerManager {
    /// Applies what differs between `old` and `new`; returns one message per failed change.
    func applyLive(_ vmid: VMID, from old: ContainerConfig, to new: inout ContainerConfig, pid: Int, log: @Sendable (String) -> Void)
        async -> [String]
    {
        var failures: [String] = []
        func keep(_ keys: [String], _ error: any Error) {
            for key in keys {
                let wanted = new[key]
                new.set(key, old[key])
                new.queue(key, wanted)
            }
            failures.append("unable to apply \(keys.joined(separator: ", ")) to the running container: \(error)")
        }
        let limits = Self.cgroupOptions.filter { old[$0] != new[$0] }.sorted()
        if !limits.isEmpty {
            do {
                try await applyCgroupLimits(vmid, old: old, new: new)
                log("applied \(limits.joined(separator: ", ")) to the running container")
            } catch { keep(limits, error) }
        }
        let nics = Set(old.networks.map(\.index) + new.networks.map(\.index)).sorted().filter { old["net\($0)"] != new["net\($0)"] }
        for index in nics {
            let oldNet = old.networks.first { $0.index == index }?.values
            let newNet = new.networks.first { $0.index == index }?.values
            do {
                try await hotplugNetwork(vmid, index: index, old: oldNet, new: newNet, pid: pid)
                log("net\(index): changed on the running container")
            } catch { keep(["net\(index)"], error) }
        }
        if !nics.isEmpty { try? setup(new, vmid: vmid).writeNetworkConfiguration(new) }
        return failures
    }

    /// The container's directory in one cgroup controller (v1) or in the unified tree (v2).
    func cgroupDirectory(_ vmid: VMID, controller: String) -> String {
        host.cgroupVersion == 2 ? "\(cgroupRoot)/lxc/\(vmid)" : "\(cgroupRoot)/\(controller)/lxc/\(vmid)"
    }

    /// Writes a limit into the container's cgroup, where lxc put the limits at start (the
    /// processes live in the `ns` child, which the limit covers).
    func setCgroup(_ vmid: VMID, _ key: String, _ value: String) throws {
        let controller = String(key.prefix { $0 != "." })
        try FileIO.writeExisting(cgroupDirectory(vmid, controller: controller) + "/" + key, value)
    }

    /// The limits of the generated lxc config, written in an order the kernel accepts (on v1
    /// memory+swap may never be below memory; a child cpuset must shrink before its parent).
    func applyCgroupLimits(_ vmid: VMID, old: ContainerConfig, new: ContainerConfig) async throws {
        var entries = LXCConfig.cgroupLimits(new, host: host).map { (String($0.0.split(separator: ".", maxSplits: 2)[2]), $0.1) }
        if host.cgroupVersion == 1 {
            if new.cpuLimit == 0 { entries.append(("cpu.cfs_quota_us", "-1")) }
            if new.memoryMiB > old.memoryMiB {
                let both = "memory.memsw.limit_in_bytes"
                entries = entries.filter { $0.0 == both } + entries.filter { $0.0 != both }
            }
        } else if new.cpuLimit == 0 {
            entries.append(("cpu.max", "max 100000"))
        }
        if new.cores == nil, let all = LXCConfig.cpuset(cores: nil, hostCPUs: host.cpuCount) { entries.append(("cpuset.cpus", all)) }
        for (key, value) in entries where key != "cpuset.cpus" { try setCgroup(vmid, key, value) }
        if let cpus = entries.first(where: { $0.0 == "cpuset.cpus" })?.1 { try setCPUSet(vmid, cpus, shrinking: (new.cores ?? Int.max) < (old.cores ?? Int.max)) }
    }

    /// On v1 the `ns` child has a cpuset of its own that must stay inside its parent's.
    func setCPUSet(_ vmid: VMID, _ cpus: String, shrinking: Bool) throws {
        let parent = cgroupDirectory(vmid, controller: "cpuset")
        var files = [parent + "/cpuset.cpus"]
        if host.cgroupVersion == 1, FileIO.exists(parent + "/ns/cpuset.cpus") {
            files = shrinking ? [parent + "/ns/cpuset.cpus"] + files : files + [parent + "/ns/cpuset.cpus"]
        }
        for file in files { try FileIO.writeExisting(file, cpus) }
    }
}
