import Crypto
import FaroModel
import Foundation

/// A user's single-use recovery keys as `tfa.cfg` keeps them: a hex `secret`, and per key the
/// hex HMAC-SHA256 of the key under that secret (`null` once used), so the file never holds a
/// key itself. Keys are shown once, when made: ten of them, each four groups of four hex digits.
public struct RecoveryKeys: Sendable, Equatable {
    public static let count = 10
    var raw: [String: JSONValue]

    init(raw: [String: JSONValue]) { self.raw = raw }

    /// A new set and its keys in the clear.
    public static func generate(created: Int) -> (keys: RecoveryKeys, plain: [String]) {
        let secret = randomBytes(32)
        let plain = (0..<count).map { _ in
            (0..<4).map { _ in
                let word = randomBytes(2)
                return String(format: "%02x%02x", word[0], word[1])
            }.joined(separator: "-")
        }
        let keys = RecoveryKeys(raw: [
            "secret": .string(hex(secret)), "created": .int(created),
            "entries": .array(plain.map { .string(hash($0, secret: secret)) }),
        ])
        return (keys, plain)
    }

    public var created: Int { raw["created"]?.intValue ?? 0 }

    var hashes: [String?] { (raw["entries"]?.arrayValue ?? []).map(\.stringValue) }

    /// The positions of keys not used yet (what a login challenge announces).
    public var availableIndices: [Int] { hashes.indices.filter { hashes[$0] != nil } }

    /// Marks `key` used and returns true when it is one of the unused keys.
    public mutating func consume(_ key: String) -> Bool {
        guard let secret = raw["secret"]?.stringValue.flatMap(Self.bytes(hex:)) else { return false }
        let digest = Self.hash(key.trimmingCharacters(in: .whitespaces).lowercased(), secret: secret)
        var entries = raw["entries"]?.arrayValue ?? []
        guard let index = entries.firstIndex(where: { $0.stringValue.map { SecretFiles.equal($0, digest) } ?? false }) else {
            return false
        }
        entries[index] = .null
        raw["entries"] = .array(entries)
        return true
    }

    static func hash(_ key: String, secret: [UInt8]) -> String {
        hex(Array(HMAC<SHA256>.authenticationCode(for: Data(key.utf8), using: SymmetricKey(data: secret))))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }
}
