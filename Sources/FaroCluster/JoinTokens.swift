import Crypto
import FaroModel
import FaroStore
import Foundation

/// Faro's one-time join tokens (`pvecm jointoken`), for scripted joins without root's
/// password: a member issues a random token valid for one hour; the first join that presents
/// it consumes it. The store keeps only SHA-256 hashes with their expiry
/// (`priv/faro-join-tokens.json`), so every member can check a token another one issued.
public struct JoinTokens: Sendable {
    public static let lifetime = 3600
    let store: any ConfigStore
    let clock: @Sendable () -> Int

    public init(store: any ConfigStore, clock: @escaping @Sendable () -> Int) {
        self.store = store
        self.clock = clock
    }

    /// A new token and the time it expires (seconds since the epoch).
    public func issue() async throws -> (token: String, expires: Int) {
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
        let expires = clock() + Self.lifetime
        try await update { tokens in tokens[Self.hash(token)] = expires }
        return (token, expires)
    }

    /// Consumes `token`; throws when it is unknown, used or expired, and changes nothing then.
    public func consume(_ token: String) async throws {
        let hash = Self.hash(token)
        let now = clock()
        try await update { tokens in
            guard let expires = tokens[hash], expires > now else { throw ClusterError.refused("invalid or expired join token") }
            tokens[hash] = nil
        }
    }

    /// Reads, changes and writes the file with compare-and-swap, dropping expired entries.
    private func update(_ change: (inout [String: Int]) throws -> Void) async throws {
        for _ in 0..<10 {
            let file = try await store.read(StoreLayout.joinTokens)
            var tokens: [String: Int] = [:]
            if let file, let object = (try? JSONParser.parse(file.data))?.objectValue {
                for (hash, expires) in object { if let expires = expires.intValue { tokens[hash] = expires } }
            }
            let now = clock()
            tokens = tokens.filter { $0.value > now }
            try change(&tokens)
            let bytes = JSONWriter.bytes(.object(tokens.mapValues { .int($0) }))
            do {
                try await store.write(StoreLayout.joinTokens, data: bytes, ifRevision: file?.revision ?? 0)
                return
            } catch StoreError.revisionMismatch, StoreError.alreadyExists {
                continue
            }
        }
        throw ClusterError.refused("join tokens kept changing; try again")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
