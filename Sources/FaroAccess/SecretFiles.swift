/// `priv/shadow.cfg` (`userid:hash:` per line) and `priv/token.cfg` (`<tokenid> <secret>`
/// per line): the secrets of the `pve` realm and of API tokens.
public enum SecretFiles {
    public static func parseShadow(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            result[String(fields[0])] = String(fields[1])
        }
        return result
    }

    public static func renderShadow(_ hashes: [String: String]) -> String {
        hashes.keys.sorted().map { "\($0):\(hashes[$0]!):\n" }.joined()
    }

    public static func parseTokens(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2 else { continue }
            result[String(fields[0])] = String(fields[1])
        }
        return result
    }

    public static func renderTokens(_ secrets: [String: String]) -> String {
        secrets.keys.sorted().map { "\($0) \(secrets[$0]!)\n" }.joined()
    }

    /// Constant-time comparison of two secrets.
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        return a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
