import FaroConfig
import FaroModel

/// Bad storage options, per parameter, as the API reports them (400 with an `errors` map).
public struct StorageParameterError: Error, Sendable, Equatable {
    public var errors: [String: String]
    public init(_ errors: [String: String]) { self.errors = errors }
}

extension StorageService {
    /// Adds a storage. Options are the API's text values (booleans already `0`/`1`). The
    /// storage is activated before the definition is written, so a storage that cannot work
    /// (a missing directory without `mkdir`, a missing volume group) is never added.
    public func create(id: String, type typeName: String, options: [String: String]) async throws {
        guard let type = types[typeName] else {
            throw StorageParameterError([
                "type": "storage type '\(typeName)' is not available on this node (available: \(types.keys.sorted().joined(separator: ", ")))"
            ])
        }
        var errors = unexpected(options.keys, for: type)
        for option in type.required where options[option] == nil { errors[option] = "property is missing and it is not optional" }
        errors.merge(valueErrors(options, type: type)) { first, _ in first }
        guard errors.isEmpty else { throw StorageParameterError(errors) }
        var newSection = SectionConfig.Section(type: typeName, id: id)
        for key in Self.writeOrder(options.keys) { newSection[key] = Self.normalized(key, options[key]!) }
        let section = newSection
        let definition = id == "local" ? forcedLocal(StorageDefinition(section: section)) : StorageDefinition(section: section)
        try await update { config, _ in
            guard config[id: id] == nil else { throw StorageError.storageExists(id) }
            if !definition.isDisabled, definition.isAvailable(on: context.nodeName) {
                try await plugin(for: definition).activate()
            }
            config.sections.append(section)
        }
    }

    /// Changes options of a storage; `delete` names options to remove. With `digest`, only if
    /// the file is unchanged since the caller read it.
    public func modify(id: String, options: [String: String], delete: [String], digest: String?) async throws {
        try await update { config, currentDigest in
            if let digest, digest != currentDigest {
                throw StorageError.io("detected modified configuration - file changed by other user? Try again.")
            }
            guard var section = config[id: id] else { throw StorageError.noSuchStorage(id) }
            guard let type = types[section.type] else { throw StorageError.unsupportedType(section.type) }
            var errors = unexpected(options.keys, for: type).merging(unexpected(delete, for: type)) { first, _ in first }
            for option in type.fixed where options[option] != nil || delete.contains(option) {
                errors[option] = "can't change value of fixed parameter '\(option)'"
            }
            for option in delete where type.required.contains(option) {
                errors[option] = "unable to delete required option '\(option)'"
            }
            for option in delete where options[option] != nil {
                errors[option] = "cannot set and delete option '\(option)' at the same time"
            }
            errors.merge(valueErrors(options, type: type)) { first, _ in first }
            guard errors.isEmpty else { throw StorageParameterError(errors) }
            for option in delete { section[option] = nil }
            for key in Self.writeOrder(options.keys) { section[key] = Self.normalized(key, options[key]!) }
            config[id: id] = section
        }
    }

    public func remove(id: String) async throws {
        try await update { config, _ in
            guard config[id: id] != nil else { throw StorageError.noSuchStorage(id) }
            config[id: id] = nil
        }
    }

    func unexpected(_ keys: some Sequence<String>, for type: StoragePluginType) -> [String: String] {
        var errors: [String: String] = [:]
        for key in keys where !type.allOptions.contains(key) {
            errors[key] = "property is not defined in schema for storage type '\(type.type)'"
        }
        return errors
    }

    func valueErrors(_ options: [String: String], type: StoragePluginType) -> [String: String] {
        var errors: [String: String] = [:]
        if let content = options["content"] {
            switch ContentType.parseList(content) {
            case .failure(let error):
                if case .invalidOption(_, let message) = error { errors["content"] = message }
            case .success(let parsed):
                if let bad = parsed.subtracting(type.contentTypes).sorted().first {
                    errors["content"] = "storage type '\(type.type)' does not support content type '\(bad.rawValue)'"
                }
            }
        }
        if let format = options["format"] {
            if let parsed = VolumeFormat(rawValue: format), !type.formats.contains(parsed) {
                errors["format"] = "storage type '\(type.type)' does not support format '\(format)'"
            }
        }
        if let path = options["path"], !path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            errors["path"] = "path must be absolute and normalized"
        }
        return errors
    }

    /// `content` is written sorted (and `none` when empty), as Proxmox writes it.
    static func normalized(_ key: String, _ value: String) -> String {
        guard key == "content", let types = try? ContentType.parseList(value).get() else { return value }
        return ContentType.listText(types)
    }

    /// Options in a stable order: the type-defining ones first, as Proxmox writes them.
    static func writeOrder(_ keys: some Sequence<String>) -> [String] {
        let leading = ["path", "vgname", "thinpool", "content"]
        let all = Set(keys)
        return leading.filter(all.contains) + all.subtracting(leading).sorted()
    }
}
