import FaroSchema

extension APISpec {
    /// Faro extensions behind `pct mount` and `pct unmount`, which Proxmox runs in the CLI
    /// itself; here the daemon does it, so the CLI stays a client of the API.
    static var lxcHostMethods: [APIMethod] {
        let ct = "/nodes/{node}/lxc/{vmid}"
        let params = Schema.object(vmParameters)
        return [
            APIMethod(
                .post, ct + "/mount", name: "mount",
                description: "Faro extension behind `pct mount`: mount the container's file systems on the host below its lxc "
                    + "directory and lock it (`mounted`), for maintenance; only start and stop remain possible until `unmount`.",
                parameters: params, returns: .string("Where the rootfs is mounted."), permissions: .rootOnly, protected: true,
                proxyTo: "node"),
            APIMethod(
                .post, ct + "/unmount", name: "unmount",
                description: "Faro extension behind `pct unmount`: unmount what `mount` mounted and remove the `mounted` lock.",
                parameters: params, permissions: .rootOnly, protected: true, proxyTo: "node"),
        ]
    }
}
