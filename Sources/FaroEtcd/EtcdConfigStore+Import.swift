import FaroStore

extension EtcdConfigStore {
    /// Copies a whole tree (a single node's store at `pvecm create`) into an empty etcd key
    /// space below `prefix`, keeping each file's mtime and filling the VMID index. Transactions
    /// stay within etcd's limits (at most 100 operations and about 1 MiB each); every one
    /// requires its keys to be new, so nothing already in etcd is overwritten. A file etcd
    /// already holds is skipped, so an import that was interrupted continues where it stopped.
    /// Returns the number of files copied.
    @discardableResult
    public static func importTree(_ files: [StoreFile], client: EtcdClient, prefix: String = "/faro/") async throws -> Int {
        let layout = EtcdLayout(prefix: prefix)
        let present = Set(try await client.range(prefix: layout.filesPrefix, keysOnly: true).kvs.map { String(decoding: $0.key, as: UTF8.self) })
        var copied = 0
        var compare: [EtcdCompare] = []
        var puts: [EtcdOperation] = []
        var bytes = 0
        func flush() async throws {
            guard !puts.isEmpty else { return }
            let response = try await client.txn(compare: compare, success: puts, failure: [])
            guard response.succeeded else { throw StoreError.backend("etcd: a key to import appeared meanwhile; the import stopped") }
            compare = []
            puts = []
            bytes = 0
        }
        for file in files where !present.contains(layout.file(file.path)) {
            copied += 1
            let value = FileEnvelope.wrap(file.data, mtime: file.mtime)
            var keys = [(layout.file(file.path), value)]
            if let vmid = StorePath.guestVMID(file.path) { keys.append((layout.vmid(vmid), Array(file.path.utf8))) }
            if puts.count + keys.count > 50 || bytes + value.count > 1 << 20 { try await flush() }
            for (key, value) in keys {
                compare.append(EtcdCompare(key: key, target: .created(0)))
                puts.append(.put(key: key, value: value))
                bytes += key.utf8.count + value.count
            }
        }
        try await flush()
        return copied
    }
}
