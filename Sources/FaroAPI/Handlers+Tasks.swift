import FaroAPISpec
import FaroModel
import FaroSchema
import FaroTasks

extension Handlers {
    static func registerTasks(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes/{node}/tasks") { request in
            let mayAudit = await services.authorizer.has(request.identity, "Sys.Audit", on: "/nodes/\(services.nodeName)")
            let filter = TaskFilter(request)
            let matching = await services.tasks.list(source: request.string("source") ?? "archive").filter { record in
                (mayAudit || isOwner(request.identity, of: record.upid)) && filter.accepts(record)
            }
            let start = request.int("start") ?? 0
            let limit = request.int("limit") ?? 50
            let page = matching.dropFirst(start).prefix(limit)
            return .json(.array(page.map(taskEntry)), total: matching.count)
        }
        table.on(.delete, "/nodes/{node}/tasks/{upid}") { request in
            let upid = try parseUPID(request, services)
            if !isOwner(request.identity, of: upid) {
                try await requirePrivilege(services, request.identity, "Sys.Modify", on: "/nodes/\(services.nodeName)")
            }
            guard await services.tasks.record(upid) != nil else { throw APIError.failed("no such task '\(upid)'") }
            if await services.tasks.isRunning(upid) { try await services.tasks.stop(upid) }
            return .null
        }
        table.on(.get, "/nodes/{node}/tasks/{upid}/log") { request in
            let upid = try await readableUPID(request, services)
            if request.bool("download") == true { return .text(try await services.tasks.readWholeLog(upid)) }
            let (lines, total) = try await services.tasks.readLog(
                upid, start: request.int("start") ?? 0, limit: request.int("limit") ?? 50)
            return .json(.array(lines.map { ["n": .int($0.0), "t": .string($0.1)] }), total: total)
        }
        table.on(.get, "/nodes/{node}/tasks/{upid}/status") { request in
            let upid = try await readableUPID(request, services)
            guard let record = await services.tasks.record(upid) else { throw APIError.failed("no such task '\(upid)'") }
            var status: [String: JSONValue] = [
                "upid": .string(upid.description), "node": .string(upid.node), "pid": .int(upid.pid),
                "pstart": .int(upid.pstart), "starttime": .int(upid.startTime), "type": .string(upid.type),
                "id": .string(upid.id), "user": .string(upid.user),
                "status": .string(record.isRunning ? "running" : "stopped"),
            ]
            if let exit = record.status, !record.isRunning { status["exitstatus"] = .string(exit) }
            return .json(.object(status))
        }
    }

    static func parseUPID(_ request: APIRequest, _ services: NodeServices) throws -> UPID {
        guard let upid = UPID(request.required("upid")) else {
            throw APIError.parameter("upid", "unable to parse worker upid '\(request.required("upid"))'")
        }
        guard upid.node == services.nodeName else {
            throw APIError.parameter("upid", "task '\(upid)' belongs to node '\(upid.node)'")
        }
        return upid
    }

    static func readableUPID(_ request: APIRequest, _ services: NodeServices) async throws -> UPID {
        let upid = try parseUPID(request, services)
        if !isOwner(request.identity, of: upid) {
            try await requirePrivilege(services, request.identity, "Sys.Audit", on: "/nodes/\(services.nodeName)")
        }
        return upid
    }

    static func requirePrivilege(_ services: NodeServices, _ identity: Identity, _ privilege: String, on path: String) async throws {
        guard await services.authorizer.has(identity, privilege, on: path) else {
            throw APIError.permission(path, [privilege])
        }
    }

    /// A user owns the tasks it started and those of its API tokens.
    static func isOwner(_ identity: Identity, of upid: UPID) -> Bool {
        guard let starter = UserID(upid.user) else { return false }
        return starter == identity.user || (identity.user.token == nil && starter.user == identity.user)
    }

    static func taskEntry(_ record: TaskRecord) -> JSONValue {
        let upid = record.upid
        var entry: [String: JSONValue] = [
            "upid": .string(upid.description), "node": .string(upid.node), "pid": .int(upid.pid),
            "pstart": .int(upid.pstart), "starttime": .int(upid.startTime), "type": .string(upid.type),
            "id": .string(upid.id), "user": .string(upid.user),
        ]
        if let starter = UserID(upid.user), let token = starter.token {
            entry["user"] = .string(starter.user.description)
            entry["tokenid"] = .string(token)
        }
        if let end = record.endTime { entry["endtime"] = .int(end) }
        if let status = record.status { entry["status"] = .string(status) }
        return .object(entry)
    }
}

/// The list filters of `GET /nodes/{node}/tasks`.
struct TaskFilter {
    let user: String?
    let type: String?
    let vmid: Int?
    let since: Int?
    let until: Int?
    let errorsOnly: Bool
    let statuses: Set<String>?

    init(_ request: APIRequest) {
        user = request.string("userfilter")?.lowercased()
        type = request.string("typefilter")?.lowercased()
        vmid = request.int("vmid")
        since = request.int("since")
        until = request.int("until")
        errorsOnly = request.bool("errors") ?? false
        statuses = request.string("statusfilter").map { Set(Formats.splitList($0)) }
    }

    func accepts(_ record: TaskRecord) -> Bool {
        let upid = record.upid
        if let user, !upid.user.lowercased().contains(user) { return false }
        if let type, !upid.type.lowercased().contains(type) { return false }
        if let vmid, upid.id != String(vmid) { return false }
        if let since, upid.startTime < since { return false }
        if let until, upid.startTime > until { return false }
        if errorsOnly, record.statusType != "error" { return false }
        if let statuses, !statuses.contains(record.statusType) { return false }
        return true
    }
}
