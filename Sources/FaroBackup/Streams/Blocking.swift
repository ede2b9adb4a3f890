import Foundation

/// Runs blocking file and pipe I/O (reading a disk, writing an archive) on a thread of its
/// own, so the cooperative pool that serves the API is never stuck behind a 100 GiB copy.
enum Blocking {
    /// Runs `work` on its own thread; cancelling the calling task sets the flag `work` polls.
    static func run<T: Sendable>(
        _ flag: CancelFlag, _ work: @escaping @Sendable () throws(BackupError) -> T
    ) async throws(BackupError) -> T {
        try await withTaskCancellationHandler { await outcome(work) } onCancel: { flag.cancel() }.get()
    }

    private static func outcome<T: Sendable>(_ work: @escaping @Sendable () throws(BackupError) -> T) async -> Result<T, BackupError> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                // A write into a pipe whose reader died (a compressor that failed) must come
                // back as EPIPE to this thread, not kill the daemon with SIGPIPE.
                var signals = sigset_t()
                sigemptyset(&signals)
                sigaddset(&signals, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &signals, nil)
                continuation.resume(returning: Result { () throws(BackupError) in try work() })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

/// A flag the async side sets (task cancelled) and the blocking copy loop polls.
public final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func cancel() { lock.withLock { value = true } }
    public var isCancelled: Bool { lock.withLock { value } }
}
