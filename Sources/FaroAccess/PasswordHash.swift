import Crypto
import Foundation

/// crypt(3)-style password hashes of the SHA-2 family (`$6$` SHA-512, `$5$` SHA-256), as
/// Proxmox keeps them in `priv/shadow.cfg`, computed in Swift so no system library is needed.
public enum PasswordHash {
    static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let defaultRounds = 5000

    /// A new `$6$` hash with a random 16-character salt.
    public static func make(_ password: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = String(decoding: (0..<16).map { _ in alphabet[Int(generator.next() % 64)] }, as: UTF8.self)
        return hash(password, setting: "$6$" + salt)!
    }

    /// Checks a password against a stored `$5$`/`$6$` hash in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard let computed = hash(password, setting: stored) else { return false }
        let a = Array(computed.utf8)
        let b = Array(stored.utf8)
        return a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The hash of `password` with the algorithm, rounds and salt of `setting`
    /// (`$6$salt`, `$6$rounds=N$salt`, or a whole stored hash).
    public static func hash(_ password: String, setting: String) -> String? {
        let parts = setting.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "5" || parts[1] == "6" else { return nil }
        var index = 2
        var rounds = defaultRounds
        var explicitRounds = false
        if parts[2].hasPrefix("rounds=") {
            guard let value = Int(parts[2].dropFirst(7)), parts.count >= 4 else { return nil }
            rounds = min(max(value, 1000), 999_999_999)
            explicitRounds = true
            index = 3
        }
        let salt = Array(parts[index].utf8.prefix(16))
        let key = Array(password.utf8)
        let digest = parts[1] == "6" ? compute(SHA512.self, key, salt, rounds) : compute(SHA256.self, key, salt, rounds)
        let encoded = parts[1] == "6" ? encode512(digest) : encode256(digest)
        let roundsText = explicitRounds ? "rounds=\(rounds)$" : ""
        return "$\(parts[1])$" + roundsText + String(decoding: salt, as: UTF8.self) + "$" + encoded
    }

    static func digest<H: HashFunction>(_: H.Type, _ chunks: [[UInt8]]) -> [UInt8] {
        var hasher = H()
        for chunk in chunks { hasher.update(data: chunk) }
        return Array(hasher.finalize())
    }

    /// The SHA-crypt rounds (Drepper's specification).
    static func compute<H: HashFunction>(_ type: H.Type, _ key: [UInt8], _ salt: [UInt8], _ rounds: Int) -> [UInt8] {
        let size = H.Digest.byteCount
        let b = digest(type, [key, salt, key])
        var chunks: [[UInt8]] = [key, salt]
        var remaining = key.count
        while remaining > size {
            chunks.append(b)
            remaining -= size
        }
        chunks.append(Array(b.prefix(remaining)))
        var bits = key.count
        while bits > 0 {
            chunks.append(bits & 1 == 1 ? b : key)
            bits >>= 1
        }
        var a = digest(type, chunks)
        let dp = digest(type, Array(repeating: key, count: key.count))
        let p = sequence(dp, length: key.count)
        let ds = digest(type, Array(repeating: salt, count: 16 + Int(a[0])))
        let s = sequence(ds, length: salt.count)
        for round in 0..<rounds {
            var hasher = H()
            hasher.update(data: round % 2 == 1 ? p : a)
            if round % 3 != 0 { hasher.update(data: s) }
            if round % 7 != 0 { hasher.update(data: p) }
            hasher.update(data: round % 2 == 1 ? a : p)
            a = Array(hasher.finalize())
        }
        return a
    }

    static func sequence(_ block: [UInt8], length: Int) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < length { out += block.prefix(length - out.count) }
        return out
    }

    static func base64(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, _ count: Int) -> [UInt8] {
        var word = UInt32(b2) << 16 | UInt32(b1) << 8 | UInt32(b0)
        var out: [UInt8] = []
        for _ in 0..<count {
            out.append(alphabet[Int(word & 0x3F)])
            word >>= 6
        }
        return out
    }

    static func encode512(_ d: [UInt8]) -> String {
        let order: [(Int, Int, Int)] = [
            (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48), (28, 49, 7),
            (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13), (56, 14, 35),
            (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41),
        ]
        var out: [UInt8] = []
        for (a, b, c) in order { out += base64(d[a], d[b], d[c], 4) }
        out += base64(0, 0, d[63], 2)
        return String(decoding: out, as: UTF8.self)
    }

    static func encode256(_ d: [UInt8]) -> String {
        let order: [(Int, Int, Int)] = [
            (0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14), (15, 25, 5), (6, 16, 26), (27, 7, 17),
            (18, 28, 8), (9, 19, 29),
        ]
        var out: [UInt8] = []
        for (a, b, c) in order { out += base64(d[a], d[b], d[c], 4) }
        out += base64(0, d[31], d[30], 3)
        return String(decoding: out, as: UTF8.self)
    }
}
