import FaroModel
import FaroQMP

/// `PUT .../sendkey`: a key combination in the monitor's notation, sent with QMP `send-key`.
extension VMService {
    public func sendKey(_ vmid: VMID, key: String, skiplock: Bool) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        let keys = try Self.keyCodes(key)
        _ = try await runtime.withMonitor(vmid) { try await $0.execute("send-key", arguments: ["keys": .array(keys)]) }
    }

    /// `ctrl-alt-delete` → qcodes `ctrl`, `alt`, `delete`; `0x1d` is a raw key code. QEMU
    /// itself refuses names it does not know; what is refused here is only what cannot be a
    /// key at all.
    static func keyCodes(_ key: String) throws -> [JSONValue] {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard !key.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { throw VMError.parameter("key", "invalid key '\(key)'") }
        return try parts.map { part -> JSONValue in
            if part.hasPrefix("0x") {
                guard let code = Int(part.dropFirst(2), radix: 16), code <= 0xffff else {
                    throw VMError.parameter("key", "invalid key code '\(part)'")
                }
                return .object(["type": "number", "data": .int(code)])
            }
            guard part.count <= 32, part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw VMError.parameter("key", "invalid key name '\(part)'")
            }
            return .object(["type": "qcode", "data": .string(part.lowercased())])
        }
    }
}
