import FaroBackup
import FaroModel
import FaroStorage
import FaroVZDump
import Foundation

extension Handlers {
    static func registerVZDump(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.post, "/nodes/{node}/vzdump") { request in
            guard let upid = try await startVZDump(request, services) else { return .json("OK") }
            return .json(.string(upid))
        }
        table.on(.get, "/nodes/{node}/vzdump/defaults") { request in try await vzdumpDefaults(request, services) }
        table.on(.get, "/nodes/{node}/vzdump/extractconfig") { request in
            let volume = try VolumeID(parsing: request.required("volume"))
            let name = String(volume.name.dropFirst("backup/".count))
            guard volume.name.hasPrefix("backup/"), let archive = BackupArchive(fileName: name) else {
                throw APIError.parameter("volume", "'\(volume)' is not a backup archive")
            }
            try await requirePrivilege(services, request.identity, "VM.Backup", on: archive.vmid.map { "/vms/\($0)" } ?? "/vms")
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(volume.storage)")
            let path = try await services.storage.plugin(volume.storage).path(volume.name)
            return .json(.string(try await ArchiveConfig.read(path, runner: services.runner)))
        }
    }

    /// Starts a vzdump task for the call (the API's, or a backup job's); nil when this node
    /// has no guest to back up.
    static func startVZDump(_ call: APIRequest, _ services: NodeServices) async throws -> String? {
        let service = services.vzdump
        let defaults = try vzdumpConfDefaults(services)
        let request = withVZDumpDefaults(call, defaults)
        let guests = try await vzdumpGuests(request, services)
        let fromDefaults = Set(request.parameters.keys).subtracting(call.parameters.keys)
        var options = try await vzdumpOptions(request, services, guests: guests, fromDefaults: fromDefaults)
        options.commandLine = "vzdump " + guests.map(\.description).joined(separator: " ") + vzdumpFlags(call)
        options.nodePruneBackups = defaults["prune-backups"]?.stringValue
        guard !guests.isEmpty else { return nil }
        for guest in guests { try await requirePrivilege(services, request.identity, "VM.Backup", on: "/vms/\(guest)") }
        _ = try await service.dumpDirectory(options)
        let id = guests.count == 1 ? "\(guests[0])" : ""
        let run = options
        let upid = try await services.tasks.start(type: "vzdump", id: id, user: request.identity.user.description) { log in
            guard try await service.run(guests, options: run, log: { log.log($0) }) else { throw APIError.failed("job errors") }
        }
        return upid.description
    }

    /// The guests a vzdump call selects on this node: `vmid`, or `all` less `exclude`, or a pool's.
    static func vzdumpGuests(_ request: APIRequest, _ services: NodeServices) async throws -> [VMID] {
        let listed = try request.string("vmid").map { try vmidList($0, parameter: "vmid") }
        let all = request.bool("all") ?? false, pool = request.string("pool")
        let excluded = try Set(request.string("exclude").map { try vmidList($0, parameter: "exclude") } ?? [])
        if listed != nil, all || pool != nil || !excluded.isEmpty {
            throw APIError.parameter("vmid", "option conflicts with 'all', 'exclude' and 'pool'")
        }
        if let listed { return listed }
        let local = Set(try await services.vms.list() + services.containers.list())
        if let pool {
            guard let members = try await services.access.configuration().pools[pool]?.vms else {
                throw APIError.parameter("pool", "pool '\(pool)' does not exist")
            }
            return members.filter { local.contains($0) && !excluded.contains($0) }.sorted()
        }
        guard all || !excluded.isEmpty else { throw APIError.parameter("vmid", "one of 'vmid', 'all' or 'pool' is required") }
        return local.subtracting(excluded).sorted()
    }

    static func vmidList(_ text: String, parameter: String) throws -> [VMID] {
        try text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map { item in
            guard let vmid = VMID(String(item)) else { throw APIError.parameter(parameter, "invalid VMID '\(item)'") }
            return vmid
        }
    }

    /// The run's options after the checks Proxmox makes before anything starts.
    /// Options in `fromDefaults` come from the node's `vzdump.conf`, which only root can write,
    /// so they are not the caller's to be refused.
    static func vzdumpOptions(
        _ request: APIRequest, _ services: NodeServices, guests: [VMID], fromDefaults: Set<String> = []
    ) async throws -> VZDumpOptions {
        var options = VZDumpOptions()
        for name in ["tmpdir", "dumpdir", "job-id"] where request.string(name) != nil && !fromDefaults.contains(name) && !request.identity.isSuperuser {
            throw APIError.permission("/", ["root@pam only: \(name)"])
        }
        if request.string("storage") != nil && request.string("dumpdir") != nil {
            throw APIError.parameter("dumpdir", "option conflicts with 'storage'")
        }
        options.dumpDirectory = request.string("dumpdir")
        options.storage = request.string("storage") ?? (options.dumpDirectory == nil ? "local" : nil)
        if let storage = options.storage {
            try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(storage)")
        }
        for name in ["notes-template", "protected"] where request.string(name) != nil && options.storage == nil {
            throw APIError.parameter(name, "'\(name)' requires 'storage'")
        }
        if let mode = request.string("mode") { options.mode = VZDumpOptions.Mode(rawValue: mode)! }
        if let compress = request.string("compress") { options.compression = BackupCompression(parameter: compress)! }
        if let threads = request.int("zstd") { options.zstdThreads = threads == 0 ? max(1, ProcessInfo.processInfo.activeProcessorCount / 2) : threads }
        options.remove = request.bool("remove") ?? true
        if let prune = request.string("prune-backups") {
            do { _ = try PruneOptions(parsing: prune) } catch { throw APIError.parameter("prune-backups", "\(error)") }
            try await requirePrivilege(services, request.identity, "Datastore.Allocate", on: "/storage/\(options.storage ?? "")")
            options.pruneBackups = prune
        }
        options.isProtected = request.bool("protected") ?? false
        if let template = request.string("notes-template") {
            do { try NotesTemplate.validate(template) } catch { throw APIError.parameter("notes-template", "\(error)") }
            options.notesTemplate = template
        }
        if request.string("notification-mode") == "legacy-sendmail" {
            throw APIError.parameter("notification-mode", "legacy-sendmail is not supported by Faro yet")
        }
        options.stopWait = request.int("stopwait") ?? 10
        options.temporaryDirectory = request.string("tmpdir")
        options.standardExcludes = request.bool("stdexcludes") ?? true
        options.excludePaths = request.parameters["exclude-path"]?.arrayValue?.compactMap(\.stringValue) ?? []
        options.commandLine = "vzdump " + guests.map(\.description).joined(separator: " ") + vzdumpFlags(request)
        return options
    }

    /// The call's options as `vzdump` flags, for the task log's first line.
    static func vzdumpFlags(_ request: APIRequest) -> String {
        let skipped: Set<String> = ["node", "vmid", "job-id", "quiet"]
        return request.parameters.keys.sorted().filter { !skipped.contains($0) }.map { key in
            " --\(key) \(request.parameters[key]?.displayText ?? "")"
        }.joined()
    }
}
