import FaroAPISpec
import FaroModel
import FaroStorage
import FaroTasks

extension Handlers {
    /// The plugin and volume a `{volume}` path names: a full volume id, or a name on `{storage}`.
    static func resolveVolume(_ request: APIRequest, _ storage: StorageService) async throws -> (any StoragePlugin, VolumeID) {
        let text = request.required("volume")
        let volid: VolumeID
        if text.contains(":") {
            volid = try VolumeID(parsing: text)
            if let given = request.string("storage"), given != volid.storage {
                throw APIError.parameter("volume", "volume '\(text)' is not on storage '\(given)'")
            }
        } else {
            guard let id = request.string("storage") else { throw APIError.parameter("storage", "storage not specified") }
            volid = try VolumeID(parsing: "\(id):\(text)")
        }
        return (try await storage.plugin(volid.storage), volid)
    }

    static func relabel(_ volume: VolumeInfo, containers: Set<VMID>) -> VolumeInfo {
        guard volume.content == .images, let vmid = volume.vmid, containers.contains(vmid) else { return volume }
        var relabelled = volume
        relabelled.content = .rootdir
        return relabelled
    }

    static func volumeJSON(_ volume: VolumeInfo) -> JSONValue {
        var entry: [String: JSONValue] = [
            "volid": .string(volume.volid.description), "content": .string(volume.content.rawValue),
            "format": .string(volume.format), "size": .int(Int(volume.size)),
        ]
        if let used = volume.used { entry["used"] = .int(Int(used)) }
        if let vmid = volume.vmid { entry["vmid"] = .int(vmid.rawValue) }
        if let ctime = volume.ctime { entry["ctime"] = .int(ctime) }
        if let parent = volume.parent { entry["parent"] = .string(parent) }
        if let notes = volume.notes, let first = notes.split(separator: "\n").first { entry["notes"] = .string(String(first)) }
        if volume.content == .backup { entry["protected"] = .int(volume.isProtected ? 1 : 0) }
        return .object(entry)
    }

    /// Proxmox's volume access rule: `Datastore.Allocate` on the storage allows everything;
    /// templates and ISO images need `Datastore.AllocateSpace` or `Datastore.Audit`; backups
    /// `Datastore.AllocateSpace` plus `VM.Backup` on the guest; guest disks `Datastore.Audit`
    /// plus `VM.Config.Disk` on the guest.
    static func mayRead(_ services: NodeServices, _ identity: Identity, _ volume: VolumeInfo) async -> Bool {
        let auth = services.authorizer
        let path = "/storage/\(volume.volid.storage)"
        if await auth.has(identity, "Datastore.Allocate", on: path) { return true }
        switch volume.content {
        case .iso, .vztmpl, .import, .snippets:
            if await auth.has(identity, "Datastore.AllocateSpace", on: path) { return true }
            return await auth.has(identity, "Datastore.Audit", on: path)
        case .backup:
            guard let vmid = volume.vmid else { return false }
            guard await auth.has(identity, "Datastore.AllocateSpace", on: path) else { return false }
            return await auth.has(identity, "VM.Backup", on: "/vms/\(vmid)")
        case .images, .rootdir:
            guard let vmid = volume.vmid, await auth.has(identity, "Datastore.Audit", on: path) else { return false }
            return await auth.has(identity, "VM.Config.Disk", on: "/vms/\(vmid)")
        }
    }

    static func requireDeleteRight(_ services: NodeServices, _ identity: Identity, plugin: any StoragePlugin, volume: VolumeInfo)
        async throws
    {
        let path = "/storage/\(plugin.id)"
        if await services.authorizer.has(identity, "Datastore.Allocate", on: path) { return }
        if volume.content == .backup, let vmid = volume.vmid,
            await services.authorizer.has(identity, "Datastore.AllocateSpace", on: path),
            await services.authorizer.has(identity, "VM.Backup", on: "/vms/\(vmid)")
        {
            return
        }
        throw APIError.permission(path, ["Datastore.Allocate"])
    }

    /// `1024`, `512M`, `2G` → KiB.
    static func parseKiB(_ text: String) -> UInt64? {
        guard let last = text.last else { return nil }
        let (digits, factor): (Substring, UInt64) = last == "M" ? (text.dropLast(), 1024) : last == "G" ? (text.dropLast(), 1 << 20) : (Substring(text), 1)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitChar), let value = UInt64(digits) else { return nil }
        let (result, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }

    /// The format of a new image: `format`, else the file name's suffix, else the storage's default.
    /// File-based storages keep the suffix in the name; block storages have none.
    static func allocationFormat(_ request: APIRequest, storage: StorageService, plugin: any StoragePlugin, name: inout String)
        throws -> VolumeFormat
    {
        let type = storage.types[plugin.definition.type]!
        let suffix = VolumeFormat.allCases.first { name.hasSuffix("." + $0.rawValue) }
        var format = suffix ?? plugin.definition["format"].flatMap(VolumeFormat.init) ?? type.defaultFormat
        if let given = request.string("format") {
            guard let parsed = VolumeFormat(rawValue: given) else { throw APIError.parameter("format", "invalid format '\(given)'") }
            if let suffix, suffix != parsed {
                throw APIError.parameter("filename", "wrong filename extension for format '\(given)'")
            }
            format = parsed
        }
        guard type.formats.contains(format) else {
            throw APIError.parameter("format", "storage type '\(type.type)' does not support format '\(format.rawValue)'")
        }
        if plugin.capabilities.contains(.files), suffix == nil, !name.isEmpty { name += "." + format.rawValue }
        return format
    }

    /// Waits up to `seconds` for a task; nil while it still runs.
    static func waitForTask(_ services: NodeServices, _ upid: UPID, seconds: Int) async throws -> TaskRecord? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await !services.tasks.isRunning(upid) { return await services.tasks.record(upid) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
