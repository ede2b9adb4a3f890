import FaroGuestSchema
/// Checks across options that the per-option schema cannot make: NIC names are unique,
/// mount point paths stay inside the container, bind mounts are root's to give.
extension ContainerConfig {
    /// Throws the first problem of the config as it will be after the next start.
    public func check(isRoot: Bool) throws(LXCError) {
        var names: [String: Int] = [:]
        for (index, net) in effectiveIndexed("net") {
            guard let name = net["name"] else { throw .invalidOption("net\(index)", "missing property 'name'") }
            if let other = names[name] { throw .invalidOption("net\(index)", "duplicate interface name '\(name)' (also on net\(other))") }
            names[name] = index
        }
        var paths: [String: Int] = [:]
        for (index, mp) in effectiveIndexed("mp") {
            let key = "mp\(index)"
            guard let path = mp["mp"] else { throw .invalidOption(key, "missing property 'mp'") }
            let normalized = try Self.mountPath(path, key: key)
            if let other = paths[normalized] { throw .invalidOption(key, "mount point '\(path)' is also used by mp\(other)") }
            paths[normalized] = index
            if let volume = mp["volume"], volume.hasPrefix("/"), !isRoot {
                throw .invalidOption(key, "only root can set bind mounts and device mounts ('\(volume)')")
            }
        }
    }

    /// A mount point path inside the container: absolute, no `.`/`..` components, not `/`.
    static func mountPath(_ path: String, key: String) throws(LXCError) -> String {
        let parts = path.split(separator: "/")
        guard path.hasPrefix("/"), !parts.isEmpty else { throw .invalidOption(key, "mount point '\(path)' must be an absolute path below /") }
        if parts.contains(where: { $0 == ".." || $0 == "." }) {
            throw .invalidOption(key, "mount point '\(path)' may not contain '.' or '..' components")
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `netN`/`mpN` entries as they will be after the pending changes, parsed.
    func effectiveIndexed(_ prefix: String) -> [(Int, [String: String])] {
        var upcoming = self
        upcoming.applyPending()
        return upcoming.indexed(prefix).compactMap { index, text in
            (try? ContainerSchema.parse("\(prefix)\(index)", text)).map { (index, $0) }
        }
    }
}
