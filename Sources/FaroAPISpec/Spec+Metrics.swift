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
        let points = Schema.array(of: .object([:]))
        let guestAudit = Permissions.check(.privileges(path: "/vms/{vmid}", ["VM.Audit"]))
        return [
            APIMethod(
                .get, "/nodes/{node}/rrddata", name: "rrddata",
                description: "Read node RRD statistics: one point per row of the time frame, oldest first.",
                parameters: parameters([:], frames: frames + ["decade"]), returns: points,
                permissions: .check(.privileges(path: "/nodes/{node}", ["Sys.Audit"])), proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/rrddata", name: "rrddata", description: "Read VM RRD statistics",
                parameters: parameters(["vmid": Common.vmid], frames: frames), returns: points, permissions: guestAudit,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/rrddata", name: "rrddata", description: "Read VM RRD statistics",
                parameters: parameters(["vmid": Common.vmid], frames: frames), returns: points, permissions: guestAudit,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/rrddata", name: "rrddata", description: "Read storage RRD statistics.",
                parameters: parameters(
                    ["storage": Schema.string("The storage identifier.", format: "pve-storage-id")], frames: frames),
                returns: points,
                permissions: .check(
                    .privileges(path: "/storage/{storage}", ["Datastore.Audit", "Datastore.AllocateSpace"], any: true)),
                proxyTo: "node"),
        ]
    }
}
