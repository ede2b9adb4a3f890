extension Handlers {
    static func registerNodeSubscription(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes/{node}/subscription") { _ in
            .json(["status": "notfound", "message": "There is no subscription key", "level": ""])
        }
        // No replication jobs exist: Faro cannot make any yet.
        table.on(.get, "/nodes/{node}/replication") { _ in .json([]) }
    }
}
