/// Where the store lives in etcd's key space, below one prefix (`/faro/`; tests use one of
/// their own per case): files under `files/`, the VMID index under `vmid/`, locks under `locks/`.
struct EtcdLayout: Sendable {
    let prefix: String

    var filesPrefix: String { prefix + "files/" }
    func file(_ path: String) -> String { filesPrefix + path }
    func vmid(_ vmid: Int) -> String { prefix + "vmid/\(vmid)" }
    func lock(_ name: String) -> String { prefix + "locks/" + name }

    /// The store path of a file key.
    func path(ofKey key: String) -> String? {
        key.hasPrefix(filesPrefix) ? String(key.dropFirst(filesPrefix.count)) : nil
    }
}

/// A file's value in etcd: the magic `F1`, the mtime as 8 bytes big-endian, then the bytes.
/// etcd keeps no modification time of its own.
enum FileEnvelope {
    static func wrap(_ data: [UInt8], mtime: Int) -> [UInt8] {
        let seconds = UInt64(max(0, mtime))
        return Array("F1".utf8) + (0..<8).map { UInt8(truncatingIfNeeded: seconds >> (56 - 8 * UInt64($0))) } + data
    }

    /// The bytes and mtime; a value without the envelope is taken as bytes with mtime 0.
    static func unwrap(_ value: [UInt8]) -> (data: [UInt8], mtime: Int) {
        guard value.count >= 10, value[0] == UInt8(ascii: "F"), value[1] == UInt8(ascii: "1") else { return (value, 0) }
        let seconds = value[2..<10].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (Array(value[10...]), Int(clamping: seconds))
    }
}
