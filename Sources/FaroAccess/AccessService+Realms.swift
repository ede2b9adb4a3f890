import FaroStore

/// The realms of `domains.cfg`: what `/access/domains` lists and edits.
extension AccessService {
    /// The realms and the file's digest (nil while the file does not exist: the built-in
    /// realms are all there is).
    public func realms() async throws -> (realms: [Realm], digest: String?) {
        let file = try await store.read(StoreLayout.domains)
        return (Realms.parse(file?.text ?? Realms.defaultConfig), file?.digest)
    }

    /// Sets and removes options of realm `id`, with compare-and-swap on the file read. A realm
    /// made the default takes the mark from every other one.
    public func updateRealm(_ id: String, set: [String: String], delete: [String], digest: String?) async throws {
        let file = try await store.read(StoreLayout.domains)
        if let digest, digest != file?.digest {
            throw AccessError.invalid("detected modified configuration - file changed by other user? Try again.")
        }
        var realms = Realms.parse(file?.text ?? Realms.defaultConfig)
        guard let index = realms.firstIndex(where: { $0.id == id }) else { throw AccessError.invalid("domain '\(id)' does not exist") }
        for key in delete { realms[index].options.removeValue(forKey: key) }
        realms[index].options.merge(set) { _, new in new }
        if realms[index].options["default"] == "1" {
            for other in realms.indices where other != index { realms[other].options.removeValue(forKey: "default") }
        }
        try await store.write(StoreLayout.domains, data: Array(Realms.render(realms).utf8), ifRevision: file?.revision ?? 0)
    }
}
