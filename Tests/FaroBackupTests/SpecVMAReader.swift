import Crypto

/// A second VMA reader, written from the format description alone (pve-backup-facts §1) and
/// sharing no code with `FaroBackup`: it takes a whole archive in memory, checks every rule
/// it can and rebuilds each disk as a byte array. The writer's output must satisfy it.
struct SpecVMAReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = text }
    }

    var uuid: [UInt8] = []
    var ctime: Int64 = 0
    var headerSize = 0
    var blobBufferOffset = 0
    var blobBufferSize = 0
    var configs: [String: [UInt8]] = [:]
    var configOrder: [String] = []
    var devices: [Int: (name: String, size: Int)] = [:]
    var disks: [Int: [UInt8]] = [:]
    var extentSlotCounts: [Int] = []

    init(_ file: [UInt8]) throws {
        func be(_ offset: Int, _ width: Int) -> Int {
            var value = 0
            for index in 0..<width { value = value * 256 + Int(file[offset + index]) }
            return value
        }
        guard file.count >= 12288, file[0] == 0x56, file[1] == 0x4D, file[2] == 0x41, file[3] == 0 else { throw Failure("magic") }
        guard be(4, 4) == 1 else { throw Failure("version") }
        uuid = Array(file[8..<24])
        ctime = Int64(be(24, 8))
        blobBufferOffset = be(48, 4)
        blobBufferSize = be(52, 4)
        headerSize = be(56, 4)
        guard headerSize > 12288, headerSize <= file.count, blobBufferOffset >= 12288,
            blobBufferOffset + blobBufferSize <= headerSize
        else { throw Failure("header geometry") }
        var zeroed = Array(file[0..<headerSize])
        for index in 32..<48 { zeroed[index] = 0 }
        guard Array(Insecure.MD5.hash(data: zeroed)) == Array(file[32..<48]) else { throw Failure("header md5") }

        func blob(_ pointer: Int) throws -> [UInt8] {
            guard pointer >= 1, pointer + 2 <= blobBufferSize else { throw Failure("blob pointer \(pointer)") }
            let start = blobBufferOffset + pointer
            let length = Int(file[start]) | Int(file[start + 1]) << 8  // little-endian, unlike the rest
            guard pointer + 2 + length <= blobBufferSize else { throw Failure("blob length") }
            return Array(file[(start + 2)..<(start + 2 + length)])
        }
        func string(_ pointer: Int) throws -> String {
            let bytes = try blob(pointer)
            guard bytes.last == 0 else { throw Failure("name without NUL") }
            return String(decoding: bytes.dropLast(), as: UTF8.self)
        }
        for slot in 0..<256 {
            let name = be(2044 + 4 * slot, 4), data = be(3068 + 4 * slot, 4)
            if name == 0 || data == 0 { continue }
            let key = try string(name)
            configs[key] = try blob(data)
            configOrder.append(key)
        }
        for id in 1..<256 {
            let entry = 4096 + 32 * id
            let size = be(entry + 8, 8)
            if size == 0 { continue }
            devices[id] = (try string(be(entry, 4)), size)
            disks[id] = [UInt8](repeating: 0xEE, count: size)  // 0xEE: "never written"
        }
        var seen: [Int: Set<Int>] = [:]
        var position = headerSize
        while position < file.count {
            guard position + 512 <= file.count else { throw Failure("partial extent header") }
            guard Array(file[position..<(position + 4)]) == [0x56, 0x4D, 0x41, 0x45] else { throw Failure("extent magic") }
            guard be(position + 4, 2) == 0 else { throw Failure("extent reserved") }
            guard Array(file[(position + 8)..<(position + 24)]) == uuid else { throw Failure("extent uuid") }
            var header = Array(file[position..<(position + 512)])
            for index in 24..<40 { header[index] = 0 }
            guard Array(Insecure.MD5.hash(data: header)) == Array(file[(position + 24)..<(position + 40)]) else {
                throw Failure("extent md5")
            }
            let blockCount = be(position + 6, 2)
            var data = position + 512
            guard data + blockCount * 4096 <= file.count else { throw Failure("short extent data") }
            var used = 0, blocks = 0
            for slot in 0..<59 {
                let base = position + 40 + 8 * slot
                let mask = be(base, 2), reserved = be(base + 2, 1), dev = be(base + 3, 1), cluster = be(base + 4, 4)
                guard reserved == 0 else { throw Failure("blockinfo reserved") }
                if dev == 0 { continue }
                used += 1
                guard let device = devices[dev] else { throw Failure("unknown device \(dev)") }
                guard cluster < (device.size + 65535) / 65536 else { throw Failure("cluster out of range") }
                guard seen[dev, default: []].insert(cluster).inserted else { throw Failure("duplicate cluster") }
                for block in 0..<16 {
                    let offset = cluster * 65536 + block * 4096
                    if mask >> block & 1 == 1 {
                        guard offset < device.size else { throw Failure("block past the end") }
                        let count = min(4096, device.size - offset)
                        disks[dev]!.replaceSubrange(offset..<(offset + count), with: file[data..<(data + count)])
                        data += 4096
                        blocks += 1
                    } else if offset < device.size {
                        let count = min(4096, device.size - offset)
                        disks[dev]!.replaceSubrange(offset..<(offset + count), with: repeatElement(0, count: count))
                    }
                }
            }
            guard blocks == blockCount else { throw Failure("block count") }
            extentSlotCounts.append(used)
            position = data
        }
        for (id, device) in devices where device.name != "vmstate" {
            guard seen[id, default: []].count == (device.size + 65535) / 65536 else { throw Failure("missing cluster") }
        }
    }
}
