import FaroStore
import Foundation

extension EtcdConfigStore {
    public func create(_ path: String, data: [UInt8]) async throws -> Int64 {
        try await write(path, data: data, ifRevision: 0)
    }

    public func write(_ path: String, data: [UInt8], ifRevision: Int64?) async throws -> Int64 {
        try StorePath.validate(path)
        guard data.count <= StorePath.maxFileSize else { throw StoreError.tooLarge(path: path, size: data.count) }
        let key = layout.file(path)
        let value = FileEnvelope.wrap(data, mtime: Int(Date().timeIntervalSince1970))
        let vmid = StorePath.guestVMID(path)
        switch ifRevision {
        case 0?:
            return try await createFile(path, value: value, vmid: vmid)
        case let revision?:
            let response = try await client.txn(
                compare: [EtcdCompare(key: key, target: .modified(revision))], success: [.put(key: key, value: value)],
                failure: [.range(key: key)])
            guard response.succeeded else {
                let current = response.ranges.first?.first
                await replica.waitUntilApplied(current?.modRevision ?? 0)
                throw current == nil ? StoreError.notFound(path: path) : StoreError.revisionMismatch(path: path)
            }
            return await committed(response.header.revision)
        case nil:
            guard let vmid else {
                let response = try await client.txn(compare: [], success: [.put(key: key, value: value)], failure: [])
                return await committed(response.header.revision)
            }
            // A guest config: written in place while the VMID index names it, else created.
            for _ in 0..<10 {
                let response = try await client.txn(
                    compare: [EtcdCompare(key: layout.vmid(vmid), target: .value(path))], success: [.put(key: key, value: value)],
                    failure: [.range(key: layout.vmid(vmid))])
                if response.succeeded { return await committed(response.header.revision) }
                if let owner = response.ranges.first?.first {
                    throw StoreError.vmidInUse(vmid: vmid, existing: String(decoding: owner.value, as: UTF8.self))
                }
                do {
                    return try await createFile(path, value: value, vmid: vmid)
                } catch StoreError.alreadyExists {
                    continue  // created meanwhile by another writer: write over it
                }
            }
            throw StoreError.backend("etcd: '\(path)' kept changing while it was written")
        }
    }

    /// Creates a file that must not exist; a guest config also takes its VMID in the index.
    private func createFile(_ path: String, value: [UInt8], vmid: Int?) async throws -> Int64 {
        let key = layout.file(path)
        var compare = [EtcdCompare(key: key, target: .created(0))]
        var success: [EtcdOperation] = [.put(key: key, value: value)]
        var failure: [EtcdOperation] = [.range(key: key)]
        if let vmid {
            compare.append(EtcdCompare(key: layout.vmid(vmid), target: .created(0)))
            success.append(.put(key: layout.vmid(vmid), value: Array(path.utf8)))
            failure.append(.range(key: layout.vmid(vmid)))
        }
        let response = try await client.txn(compare: compare, success: success, failure: failure)
        if response.succeeded { return await committed(response.header.revision) }
        if let existing = response.ranges.first?.first {
            await replica.waitUntilApplied(existing.modRevision)
            throw StoreError.alreadyExists(path: path)
        }
        if let vmid, let owner = response.ranges.dropFirst().first?.first {
            throw StoreError.vmidInUse(vmid: vmid, existing: String(decoding: owner.value, as: UTF8.self))
        }
        throw StoreError.backend("etcd: the create of '\(path)' failed for no reason etcd gave")
    }

    public func delete(_ path: String, ifRevision: Int64?) async throws {
        try StorePath.validate(path)
        let key = layout.file(path)
        let condition = ifRevision.map { EtcdCompare(key: key, target: .modified($0)) }
            ?? EtcdCompare(key: key, target: .created(0), result: "GREATER")
        var success: [EtcdOperation] = [.delete(key: key)]
        if let vmid = StorePath.guestVMID(path) { success.append(.delete(key: layout.vmid(vmid))) }
        let response = try await client.txn(compare: [condition], success: success, failure: [.range(key: key)])
        guard response.succeeded else {
            let current = response.ranges.first?.first
            await replica.waitUntilApplied(current?.modRevision ?? 0)
            throw current == nil ? StoreError.notFound(path: path) : StoreError.revisionMismatch(path: path)
        }
        _ = await committed(response.header.revision)
    }

    public func rename(_ path: String, to newPath: String) async throws -> Int64 {
        try StorePath.validate(path)
        try StorePath.validate(newPath)
        let (source, target) = (layout.file(path), layout.file(newPath))
        let (oldVMID, newVMID) = (StorePath.guestVMID(path), StorePath.guestVMID(newPath))
        for _ in 0..<10 {
            guard let current = try await client.get(source).0 else { throw StoreError.notFound(path: path) }
            let (data, _) = FileEnvelope.unwrap(Array(current.value))
            var compare = [EtcdCompare(key: source, target: .modified(current.modRevision)), EtcdCompare(key: target, target: .created(0))]
            var success: [EtcdOperation] = [
                .put(key: target, value: FileEnvelope.wrap(data, mtime: Int(Date().timeIntervalSince1970))), .delete(key: source),
            ]
            var failure: [EtcdOperation] = [.range(key: source), .range(key: target)]
            if let oldVMID, oldVMID != newVMID { success.append(.delete(key: layout.vmid(oldVMID))) }
            if let newVMID {
                if newVMID != oldVMID { compare.append(EtcdCompare(key: layout.vmid(newVMID), target: .created(0))) }
                success.append(.put(key: layout.vmid(newVMID), value: Array(newPath.utf8)))
                failure.append(.range(key: layout.vmid(newVMID)))
            }
            let response = try await client.txn(compare: compare, success: success, failure: failure)
            if response.succeeded { return await committed(response.header.revision) }
            if response.ranges[1].first != nil { throw StoreError.alreadyExists(path: newPath) }
            if response.ranges[0].first == nil { throw StoreError.notFound(path: path) }
            if let newVMID, newVMID != oldVMID, let owner = response.ranges.dropFirst(2).first?.first {
                throw StoreError.vmidInUse(vmid: newVMID, existing: String(decoding: owner.value, as: UTF8.self))
            }
            // The source changed between the read and the transaction: read it again.
        }
        throw StoreError.backend("etcd: '\(path)' kept changing while it was renamed")
    }

    /// A change committed at `revision`: returned once the replica holds it.
    func committed(_ revision: Int64) async -> Int64 {
        await replica.waitUntilApplied(revision)
        return revision
    }
}
