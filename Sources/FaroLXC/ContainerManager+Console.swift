import FaroModel

extension ContainerConfig {
    /// `cmode`: what a console of the container shows (`tty`, the default, `console` or `shell`).
    public var consoleMode: String { self["cmode"] ?? "tty" }
}

extension ContainerManager {
    /// The program a console of the running container `vmid` runs on its terminal (termproxy).
    public func consoleCommand(_ vmid: VMID) async throws -> [String] {
        let (config, _) = try await read(vmid)
        guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
        return consoleCommand(vmid, mode: config.consoleMode)
    }

    /// Per `cmode`: `tty` attaches to a free tty of the container (its getty), `console` to
    /// /dev/console, `shell` runs root's shell inside (`lxc-attach`) with TERM set for the
    /// browser's terminal (lxc would say `linux`).
    public func consoleCommand(_ vmid: VMID, mode: String) -> [String] {
        switch mode {
        case "console": return lxc("lxc-console", vmid, ["-t", "0"])
        case "shell": return lxc("lxc-attach", vmid, ["--clear-env", "--set-var", "TERM=xterm-256color"])
        default: return lxc("lxc-console", vmid)
        }
    }
}
