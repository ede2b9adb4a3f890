import FaroSchema

extension APISpec {
    /// The metrics history (`rrddata`) of the node, its guests and its storages.
    static var metricsMethods: [APIMethod] {
        let frames = ["hour", "day", "week", "month", "year"]
        func parameters(_ extra: [String: Schema], frames: [String]) -> Schema {
            .object(
                extra.merging([
                    "node": Common.node,
                    "timeframe": .enumeration(frames, "Specify the time frame you are interested in."),
                    "cf": Schema.enumeration(["AVERAGE", "MAX"], "The RRD consolidation function").optional(),
                ]) { first, _ in first })
        }
        /// One point: its time and, when the row holds data, each field.
        func points(_ fields: [String]) -> Schema {
            var properties: [String: Schema] = ["time": .integer("Start of the row's time span (seconds since the epoch).")]
            for field in fields { properties[field] = Common.field(.number(), "Average or maximum over the row.") }
            return .array(of: .object(properties))
        }
        let node = points([
            "loadavg", "maxcpu", "cpu", "iowait", "memtotal", "memused", "swaptotal", "swapused", "roottotal", "rootused", "netin", "netout",
        ])
        let guest = points(["maxcpu", "cpu", "maxmem", "mem", "maxdisk", "disk", "netin", "netout", "diskread", "diskwrite"])
        let storage = points(["total", "used"])
        let guestAudit = Permissions.check(.privileges(path: "/vms/{vmid}", ["VM.Audit"]))
        return [
            APIMethod(
                .get, "/nodes/{node}/rrddata", name: "rrddata",
                description: "Read node RRD statistics: one point per row of the time frame, oldest first.",
                parameters: parameters([:], frames: frames + ["decade"]), returns: node,
                permissions: .check(.privileges(path: "/nodes/{node}", ["Sys.Audit"])), proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/rrddata", name: "rrddata", description: "Read VM RRD statistics",
                parameters: parameters(["vmid": Common.vmid], frames: frames), returns: guest, permissions: guestAudit,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/rrddata", name: "rrddata", description: "Read VM RRD statistics",
                parameters: parameters(["vmid": Common.vmid], frames: frames), returns: guest, permissions: guestAudit,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/rrddata", name: "rrddata", description: "Read storage RRD statistics.",
                parameters: parameters(
                    ["storage": Schema.string("The storage identifier.", format: "pve-storage-id")], frames: frames),
                returns: storage,
                permissions: .check(
                    .privileges(path: "/storage/{storage}", ["Datastore.Audit", "Datastore.AllocateSpace"], any: true)),
                proxyTo: "node"),
        ]
    }
}
