/// A VMA archive's header: identity, the guest's config files and the device table.
public struct VMAHeader: Sendable, Equatable {
    public struct ConfigFile: Sendable, Equatable {
        /// A base name, such as `qemu-server.conf`.
        public var name: String
        public var data: [UInt8]
        public init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    public struct Device: Sendable, Equatable {
        /// 1 ... 254; the index in the device table.
        public var id: Int
        /// `drive-<key>`, e.g. `drive-scsi0`.
        public var name: String
        public var size: UInt64
        public init(id: Int, name: String, size: UInt64) {
            self.id = id
            self.name = name
            self.size = size
        }
    }

    public var uuid: [UInt8]
    public var ctime: Int64
    public var configs: [ConfigFile]
    public var devices: [Device]

    public init(uuid: [UInt8], ctime: Int64, configs: [ConfigFile], devices: [Device]) {
        self.uuid = uuid
        self.ctime = ctime
        self.configs = configs
        self.devices = devices
    }

    public func config(named name: String) -> ConfigFile? { configs.first { $0.name == name } }
    public func device(id: Int) -> Device? { devices.first { $0.id == id } }

    /// The header bytes with their checksum: the fixed part, then the blob buffer (configs
    /// first, name then data, then the device names), padded to a multiple of 512.
    public func encoded() throws(BackupError) -> [UInt8] {
        guard uuid.count == 16 else { throw .unsupported("a VMA uuid has 16 bytes") }
        guard configs.count <= 256 else { throw .unsupported("too many config files for a VMA archive") }
        var blobs: [UInt8] = [0]
        func add(_ bytes: [UInt8], what: String) throws(BackupError) -> UInt32 {
            guard bytes.count <= VMAFormat.maxBlobLength else {
                throw .unsupported("\(what) is too large for a VMA archive (\(bytes.count) bytes, at most 65535)")
            }
            let offset = UInt32(blobs.count)
            blobs += [UInt8(bytes.count & 0xFF), UInt8(bytes.count >> 8)] + bytes
            return offset
        }
        var configPointers: [(UInt32, UInt32)] = []
        for config in configs {
            let name = try add(Array(config.name.utf8) + [0], what: "config name '\(config.name)'")
            configPointers.append((name, try add(config.data, what: "config file '\(config.name)'")))
        }
        var devicePointers: [(Device, UInt32)] = []
        for device in devices {
            guard (1...VMAFormat.maxDeviceID).contains(device.id), device.size > 0 else {
                throw .unsupported("invalid VMA device \(device.id) '\(device.name)' (size \(device.size))")
            }
            devicePointers.append((device, try add(Array(device.name.utf8) + [0], what: "device name")))
        }
        let used = blobs.count
        blobs += [UInt8](repeating: 0, count: (512 - used % 512) % 512)
        var header = [UInt8](repeating: 0, count: VMAFormat.fixedHeaderSize)
        header.replaceSubrange(0..<4, with: VMAFormat.magic)
        header.putBigEndian(VMAFormat.version, at: 4)
        header.replaceSubrange(8..<24, with: uuid)
        header.putBigEndian(ctime, at: 24)
        header.putBigEndian(UInt32(VMAFormat.fixedHeaderSize), at: 48)
        header.putBigEndian(UInt32(used), at: 52)
        header.putBigEndian(UInt32(VMAFormat.fixedHeaderSize + blobs.count), at: 56)
        for (index, pointers) in configPointers.enumerated() {
            header.putBigEndian(pointers.0, at: 2044 + index * 4)
            header.putBigEndian(pointers.1, at: 3068 + index * 4)
        }
        for (device, pointer) in devicePointers {
            let entry = 4096 + device.id * 32
            header.putBigEndian(pointer, at: entry)
            header.putBigEndian(device.size, at: entry + 8)
        }
        header += blobs
        let digest = header.withUnsafeBytes { VMAFormat.checksum($0, checksumOffset: 32) }
        header.replaceSubrange(32..<48, with: digest)
        return header
    }
}
