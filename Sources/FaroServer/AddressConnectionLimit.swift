import NIOConcurrencyHelpers
import NIOCore

/// Caps the open connections of one client address, so that one client cannot take the
/// listener's every connection and shut everyone else out. A connection over the cap is
/// closed as soon as it is accepted; one that is admitted counts until it closes.
final class AddressConnectionLimit: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Whether `channel` may stay open. Channels without an IP address (a Unix socket) always may.
    func admit(_ channel: any Channel) -> Bool {
        guard let address = channel.remoteAddress?.ipAddress else { return true }
        let admitted = counts.withLockedValue { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
        if admitted { channel.closeFuture.whenComplete { _ in self.release(address) } }
        return admitted
    }

    /// Open connections of `address`, for tests.
    func count(_ address: String) -> Int { counts.withLockedValue { $0[address] ?? 0 } }

    private func release(_ address: String) {
        counts.withLockedValue { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }
}

/// The connection a listener refused because its address already holds its share.
struct ConnectionLimitReached: Error {}
