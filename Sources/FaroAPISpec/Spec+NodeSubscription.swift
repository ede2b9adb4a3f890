import FaroSchema

extension APISpec {
    /// What monitoring clients (prometheus-pve-exporter's node collectors) read of a node
    /// besides its status: the subscription and the replication jobs.
    static var nodeSubscriptionMethods: [APIMethod] {
        [
            APIMethod(
                .get, "/nodes/{node}/subscription", name: "get",
                description: "Read subscription info. Faro has no subscriptions: the status is always `notfound`.",
                parameters: .object(["node": Common.node]),
                returns: .object([
                    "status": .enumeration(["new", "notfound", "active", "invalid", "expired", "suspended"], "Subscription status."),
                    "message": Common.field(.string(), "A short text about the status."),
                    "level": Common.field(.string(), "Subscription level."),
                ]),
                permissions: .anyUser(filter: nil), proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/replication", name: "status",
                description: "List the node's replication jobs. Faro has no storage replication yet (issue 15), so there are none.",
                parameters: .object([
                    "node": Common.node, "guest": Common.vmid.describe("Only list replication jobs for this guest.").optional(),
                ]),
                returns: .array(of: .object(["id": .string("Job id.")])).with { $0.childLink = "{id}" },
                permissions: .anyUser(filter: "Jobs of guests the caller has VM.Audit on."), proxyTo: "node"),
        ]
    }
}
