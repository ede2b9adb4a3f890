import FaroConfig
import FaroModel
import FaroSchema

/// Full copies of image volumes between storages of this node (full clones, disk moves, and
/// `pvesm` copies), through `qemu-img convert` into a freshly allocated volume.
extension StorageService {
    /// The format a copy onto `target` gets: `requested` when the storage type can hold it,
    /// else the source's format where it can, else the storage's default format.
    public func copyFormat(on target: any StoragePlugin, requested: VolumeFormat?, source: String) throws -> VolumeFormat {
        let type = types[target.definition.type]
        let formats = (type?.formats ?? [.raw]).filter { $0 != .subvol }
        if let requested {
            guard formats.contains(requested) else {
                throw StorageError.invalidOption(
                    "format", "storage '\(target.id)' does not support format '\(requested.rawValue)' for disk images")
            }
            return requested
        }
        if let own = VolumeFormat(rawValue: source), formats.contains(own) { return own }
        let configured = target.definition["format"].flatMap(VolumeFormat.init(rawValue:))
        return configured.flatMap { formats.contains($0) ? $0 : nil } ?? type?.defaultFormat ?? .raw
    }

    /// Copies an image volume (as it is now, or as it was at `snapshot`) to a new volume of
    /// `vmid` on `target`, as large as the source. A copy that fails frees the new volume.
    /// Returns the new volume's name on `target`.
    public func copyImage(
        from source: any StoragePlugin, _ volname: String, snapshot: String? = nil, to target: any StoragePlugin, vmid: VMID,
        name: String? = nil, format: VolumeFormat, bytesPerSecond: UInt64? = nil
    ) async throws -> String {
        let info = try await source.info(volname)
        let input = try await source.imageSource(volname, snapshot: snapshot)
        let created = try await target.allocate(vmid: vmid, name: name, format: format, sizeKiB: max(1, (info.size + 1023) / 1024))
        do {
            try await QemuImage(runner: context.runner).convert(
                from: input.path, sourceFormat: input.format, to: try target.path(created), targetFormat: format.rawValue,
                snapshot: input.internalSnapshot, bytesPerSecond: bytesPerSecond)
        } catch {
            try? await target.free(created)
            throw error
        }
        return created
    }

    /// The rate limit (bytes per second) for `operation` (`clone`, `move`, ...): the request's
    /// `override` in KiB/s (0 means none), else the lowest `bwlimit` that the storages involved
    /// set for the operation or as their `default`; the datacenter's `bwlimit` counts too when
    /// a storage sets none.
    public func bandwidthLimit(
        _ operation: String, storages: [any StoragePlugin], override: Int?, datacenter: DatacenterConfig = DatacenterConfig()
    ) -> UInt64? {
        if let override {
            // A limit too large for bytes per second in 64 bits limits nothing.
            let (bytes, overflow) = UInt64(max(0, override)).multipliedReportingOverflow(by: 1024)
            return override > 0 && !overflow ? bytes : nil
        }
        let pick = { (values: [String: String]) in (values[operation] ?? values["default"]).flatMap(Double.init) }
        let storageLimits = storages.map { plugin -> Double? in
            guard let text = plugin.definition["bwlimit"],
                let values = try? PropertyString.parse(text, keys: Self.bandwidthKeys)
            else { return nil }
            return pick(values)
        }
        var limits = storageLimits.compactMap { $0 }
        if storageLimits.isEmpty || storageLimits.contains(where: { $0 == nil }),
            let global = datacenter.propertyValues("bwlimit").flatMap(pick)
        {
            limits.append(global)
        }
        return limits.filter { $0 > 0 }.min().flatMap { UInt64(exactly: ($0 * 1024).rounded(.up)) }
    }

    static let bandwidthKeys: [String: Schema] = Dictionary(
        uniqueKeysWithValues: ["default", "restore", "migration", "clone", "move"].map {
            ($0, Schema.number("KiB/s", minimum: 0).optional())
        })
}
