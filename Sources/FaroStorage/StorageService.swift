import FaroConfig
import FaroModel
import FaroStore
import FaroSupport

/// The node's view of `storage.cfg`: definitions with `local` forced to the node's own
/// directory, plugins built from the registered types, and changes made under the store lock
/// with compare-and-swap so concurrent writers never lose each other's edits.
public struct StorageService: Sendable {
    /// The digest of a `storage.cfg` that does not exist yet (SHA-1 of no bytes).
    static let emptyDigest = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

    public let store: any ConfigStore
    public let context: StorageContext
    public let types: [String: StoragePluginType]

    public init(store: any ConfigStore, context: StorageContext, types: [StoragePluginType]) {
        self.store = store
        self.context = context
        self.types = Dictionary(uniqueKeysWithValues: types.map { ($0.type, $0) })
    }

    /// The definitions and the file's digest.
    public func configuration() async throws -> (definitions: [StorageDefinition], digest: String) {
        let file = try await store.read(StoreLayout.storageConfig)
        let parsed = SectionConfig.parse(file?.text ?? "").config
        var definitions = parsed.sections.map { StorageDefinition(section: $0) }
        if let index = definitions.firstIndex(where: { $0.id == "local" }) {
            definitions[index] = forcedLocal(definitions[index])
        } else {
            definitions.insert(defaultLocal(), at: 0)
        }
        return (definitions, file?.digest ?? Self.emptyDigest)
    }

    public func definition(_ id: String) async throws -> StorageDefinition {
        guard let definition = try await configuration().definitions.first(where: { $0.id == id }) else {
            throw StorageError.noSuchStorage(id)
        }
        return definition
    }

    /// The plugin for a storage usable on this node: defined, meant for this node, of a
    /// supported type. Disabled storages are refused unless `allowDisabled`.
    public func plugin(_ id: String, allowDisabled: Bool = false) async throws -> any StoragePlugin {
        try plugin(for: try await definition(id), allowDisabled: allowDisabled)
    }

    public func plugin(for definition: StorageDefinition, allowDisabled: Bool = false) throws -> any StoragePlugin {
        guard definition.isAvailable(on: context.nodeName) else {
            throw StorageError.notAvailableOnNode(storage: definition.id, node: context.nodeName)
        }
        if definition.isDisabled, !allowDisabled { throw StorageError.disabled(definition.id) }
        guard let type = types[definition.type] else { throw StorageError.unsupportedType(definition.type) }
        return try type.make(definition, context)
    }

    /// The content a definition allows (its `content`, or its type's default).
    public func content(of definition: StorageDefinition) -> Set<ContentType> {
        definition.content(default: types[definition.type]?.defaultContent ?? [])
    }

    /// Writes the first-start `storage.cfg`: `local` holding every content type, so guests work
    /// out of the box; `local-lvm` too when the node has the LVM thin pool `pve/data`.
    public func bootstrap(hasDefaultThinPool: Bool) async throws {
        guard try await store.read(StoreLayout.storageConfig) == nil else { return }
        var config = SectionConfig()
        var local = defaultLocal()
        if hasDefaultThinPool {
            local["content"] = "backup,iso,snippets,vztmpl"
            config.sections.append(local.section)
            config.sections.append(
                SectionConfig.Section(
                    type: "lvmthin", id: "local-lvm", options: [("thinpool", "data"), ("vgname", "pve"), ("content", "images,rootdir")]))
        } else {
            config.sections.append(local.section)
        }
        do {
            _ = try await store.create(StoreLayout.storageConfig, data: Array(config.text().utf8))
        } catch StoreError.alreadyExists {
            // Another writer created it since the read above: theirs stands.
        }
        try await plugin(for: local).activate()
    }

    /// Changes `storage.cfg` under its lock. `change` sees the parsed file (with `local` as
    /// the file has it) and the current digest; what it throws leaves the file untouched.
    @discardableResult
    public func update<T: Sendable>(_ change: @Sendable (inout SectionConfig, String) async throws -> T) async throws -> T {
        try await store.withLock(StoreLayout.storageConfig) {
            let file = try await store.read(StoreLayout.storageConfig)
            var config = SectionConfig.parse(file?.text ?? "").config
            let digest = file?.digest ?? Self.emptyDigest
            let result = try await change(&config, digest)
            try await store.write(StoreLayout.storageConfig, data: Array(config.text().utf8), ifRevision: file?.revision ?? 0)
            return result
        }
    }

    func defaultLocal() -> StorageDefinition {
        StorageDefinition(
            type: "dir", id: "local",
            options: [
                ("path", context.paths.localStorage), ("content", "backup,images,iso,rootdir,snippets,vztmpl"),
                ("prune-backups", "keep-all=1"),
            ])
    }

    /// `local` is always a directory storage at the node's `var/lib/vz`, on every node.
    func forcedLocal(_ definition: StorageDefinition) -> StorageDefinition {
        var local = definition
        local.section.type = "dir"
        local["path"] = context.paths.localStorage
        local["nodes"] = nil
        return local
    }
}
