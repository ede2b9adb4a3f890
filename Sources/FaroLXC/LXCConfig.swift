import FaroGuest
import FaroModel
import FaroSupport
import Foundation

/// What the generated lxc config depends on besides the CT config: where containers live,
/// which include files lxc ships, and the cgroup version of the host.
public struct LXCHost: Sendable, Equatable {
    /// The lxc path (`lxc-start -P`), e.g. `<root>/var/lib/faro/lxc`.
    public var lxcPath: String
    /// lxc's shipped config snippets (`/usr/share/lxc/config`).
    public var configDirectory: String
    /// File names present in `configDirectory` (`common.conf`, `debian.common.conf`, ...).
    public var availableIncludes: Set<String>
    /// 1 for the legacy hierarchy (`lxc.cgroup.*`), 2 for the unified one (`lxc.cgroup2.*`).
    public var cgroupVersion: Int
    /// The host's CPUs (0 when unknown): `cores` picks among them.
    public var cpuCount: Int

    public init(lxcPath: String, configDirectory: String, availableIncludes: Set<String>, cgroupVersion: Int, cpuCount: Int = 0) {
        self.lxcPath = lxcPath
        self.configDirectory = configDirectory
        self.availableIncludes = availableIncludes
        self.cgroupVersion = cgroupVersion
        self.cpuCount = cpuCount
    }
}

/// CT config → lxc config: a pure function, rewritten under the lxc path at every start.
/// The order of the lines follows Proxmox's (`reference/pve-facts.md` §5.2).
public enum LXCConfig {
    /// Proxmox's default id map for unprivileged containers.
    public static let idMapBase = 100_000
    public static let idMapSize = 65_536

    /// A mount point as lxc mounts it: `source` on the host, `target` relative to the rootfs.
    public struct Mount: Sendable, Equatable {
        public var source: String
        public var target: String
        public var readOnly: Bool

        public init(source: String, target: String, readOnly: Bool) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
        }
    }

    public static func render(_ config: ContainerConfig, vmid: VMID, host: LXCHost, mounts: [Mount] = []) -> String {
        var lines: [(String, String)] = [
            ("lxc.cgroup.relative", "0"), ("lxc.cgroup.dir.monitor", "lxc.monitor/\(vmid)"),
            ("lxc.cgroup.dir.container", "lxc/\(vmid)"), ("lxc.cgroup.dir.container.inner", "ns"),
            ("lxc.arch", lxcArch(config.arch)),
        ]
        lines += includes(config, host: host)
        let features = config.features
        if features["nesting"] == "1" { lines.append(("lxc.mount.auto", "proc:rw sys:rw cgroup:rw")) }
        if features["fuse"] == "1" { lines.append(("lxc.mount.entry", "/dev/fuse dev/fuse none bind,create=file 0 0")) }
        if config.isUnprivileged {
            if features["nesting"] != "1" {
                lines.append(("lxc.mount.auto", features["force_rw_sys"] == "1" ? "sys:rw" : "sys:mixed"))
            }
            lines.append(("lxc.idmap", "u 0 \(idMapBase) \(idMapSize)"))
            lines.append(("lxc.idmap", "g 0 \(idMapBase) \(idMapSize)"))
        }
        lines.append(("lxc.monitor.unshare", "1"))
        lines.append(("lxc.tty.max", String(config.tty)))
        lines.append(("lxc.environment", "TERM=linux"))
        lines.append(("lxc.uts.name", config.hostname(vmid: vmid)))
        if let entrypoint = config["entrypoint"] { lines.append(("lxc.init.cmd", entrypoint)) }
        lines += cgroupLimits(config, host: host)
        lines.append(("lxc.rootfs.path", "\(host.lxcPath)/\(vmid)/rootfs"))
        if config.rootfs?["ro"] == "1" { lines.append(("lxc.rootfs.options", "ro")) }
        // lxc creates the target below the rootfs without following symbolic links out of it.
        for mount in mounts {
            lines.append(("lxc.mount.entry", "\(mount.source) \(mount.target) none rbind,create=dir\(mount.readOnly ? ",ro" : "") 0 0"))
        }
        for (index, net) in config.networks {
            lines += network(index: index, net, vmid: vmid)
        }
        lines += config.rawLXC.map { ($0.key, $0.value) }
        return lines.map { "\($0.0) = \($0.1)\n" }.joined()
    }

    /// lxc's architecture names.
    static func lxcArch(_ arch: String) -> String {
        switch arch {
        case "amd64": return "amd64"
        case "i386": return "i386"
        case "arm64": return "aarch64"
        case "armhf": return "armhf"
        default: return arch
        }
    }

    /// `<ostype>.common.conf` (and `.userns.conf`) where lxc ships them, else the generic ones.
    static func includes(_ config: ContainerConfig, host: LXCHost) -> [(String, String)] {
        func pick(_ suffix: String) -> String? {
            let specific = "\(config.ostype).\(suffix)"
            if host.availableIncludes.contains(specific) { return "\(host.configDirectory)/\(specific)" }
            return host.availableIncludes.contains(suffix) ? "\(host.configDirectory)/\(suffix)" : nil
        }
        var result: [(String, String)] = []
        if config.ostype != "unmanaged", let common = pick("common.conf") { result.append(("lxc.include", common)) }
        if config.ostype == "unmanaged", host.availableIncludes.contains("common.conf") {
            result.append(("lxc.include", "\(host.configDirectory)/common.conf"))
        }
        if config.isUnprivileged, let userns = pick("userns.conf") { result.append(("lxc.include", userns)) }
        return result
    }

    static func cgroupLimits(_ config: ContainerConfig, host: LXCHost) -> [(String, String)] {
        let memory = config.memoryMiB * 1024 * 1024
        let swap = config.swapMiB * 1024 * 1024
        var lines: [(String, String)] = []
        if host.cgroupVersion == 2 {
            let high = memory >= 16 << 30 ? memory - (128 << 20) : memory / 1024 * 1016
            lines.append(("lxc.cgroup2.memory.max", String(memory)))
            lines.append(("lxc.cgroup2.memory.high", String(high)))
            lines.append(("lxc.cgroup2.memory.swap.max", String(swap)))
            if config.cpuLimit > 0 {
                lines.append(("lxc.cgroup2.cpu.max", "\(Int(config.cpuLimit * 100_000)) 100000"))
            }
            lines.append(("lxc.cgroup2.cpu.weight", String(config.cpuUnits ?? 100)))
        } else {
            lines.append(("lxc.cgroup.memory.limit_in_bytes", String(memory)))
            lines.append(("lxc.cgroup.memory.memsw.limit_in_bytes", String(memory + swap)))
            if config.cpuLimit > 0 {
                lines.append(("lxc.cgroup.cpu.cfs_period_us", "100000"))
                lines.append(("lxc.cgroup.cpu.cfs_quota_us", String(Int(config.cpuLimit * 100_000))))
            }
            lines.append(("lxc.cgroup.cpu.shares", String(config.cpuUnits ?? 1024)))
        }
        if config.cores != nil, let cpus = cpuset(cores: config.cores, hostCPUs: host.cpuCount) {
            lines.append((host.cgroupVersion == 2 ? "lxc.cgroup2.cpuset.cpus" : "lxc.cgroup.cpuset.cpus", cpus))
        }
        return lines
    }

    /// The CPUs a container may use: the first `cores` of the host (all when unset), as a
    /// cpuset list (`0-1`); nil when neither is known.
    static func cpuset(cores: Int?, hostCPUs: Int) -> String? {
        let count = hostCPUs > 0 ? min(cores ?? hostCPUs, hostCPUs) : (cores ?? 0)
        guard count > 0 else { return nil }
        return count == 1 ? "0" : "0-\(count - 1)"
    }

    /// A veth NIC: the host side is `veth<vmid>i<N>`, joined to the bridge by lxc itself. With
    /// `firewall=1` it joins the NIC's own firewall bridge `fwbr<vmid>i<N>` instead, which the
    /// start links to the real bridge (`BridgePort.plugFirewallBridge`); the VLAN
    /// membership then sits on that link, else lxc gives the veth its `tag` (untagged, as the
    /// port's PVID) and `trunks` (tagged) on the VLAN-aware bridge.
    static func network(index: Int, _ net: [String: String], vmid: VMID) -> [(String, String)] {
        let prefix = "lxc.net.\(index)"
        var lines: [(String, String)] = [("\(prefix).type", "veth"), ("\(prefix).veth.pair", "veth\(vmid)i\(index)")]
        if let hwaddr = net["hwaddr"] { lines.append(("\(prefix).hwaddr", hwaddr)) }
        if let name = net["name"] { lines.append(("\(prefix).name", name)) }
        if let mtu = net["mtu"] { lines.append(("\(prefix).mtu", mtu)) }
        if let bridge = net["bridge"] {
            let firewall = net["firewall"] == "1"
            lines.append(("\(prefix).link", firewall ? BridgePort.firewallBridge(vmid: vmid, index: index) : bridge))
            if !firewall {
                if let tag = net["tag"] { lines.append(("\(prefix).veth.vlan.id", tag)) }
                lines += BridgePort.trunkIDs(net["trunks"]).map { ("\(prefix).veth.vlan.tagged.id", String($0)) }
            }
        }
        lines.append(("\(prefix).flags", net["link_down"] == "1" ? "down" : "up"))
        return lines
    }
}

extension LXCHost {
    /// Looks at the host: which snippets lxc ships and which cgroup hierarchy is mounted.
    public static func probe(lxcPath: String, configDirectory: String, cgroupRoot: String) -> LXCHost {
        let includes = Set(FileIO.listDirectory(configDirectory))
        let unified = FileIO.exists(cgroupRoot + "/cgroup.controllers")
        return LXCHost(
            lxcPath: lxcPath, configDirectory: configDirectory, availableIncludes: includes, cgroupVersion: unified ? 2 : 1,
            cpuCount: ProcessInfo.processInfo.activeProcessorCount)
    }
}
