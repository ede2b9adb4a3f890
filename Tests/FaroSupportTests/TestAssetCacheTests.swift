#if canImport(Glibc)
import Glibc
#endif
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The cache of test assets on a fresh machine: many tests asking at once get one build, a
/// half-built or broken asset is never published, and a builder in another process is waited for.
@Suite struct TestAssetCacheTests {
    actor Builds {
        var count = 0
        func add() { count += 1 }
    }

    @Test func concurrentCallersShareOneBuild() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = TestAssetCache(directory: directory.file("cache"))
        let builds = Builds()
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.asset("thing") { FileIO.exists($0) } build: { work in
                        await builds.add()
                        try await Task.sleep(for: .milliseconds(200))
                        try FileIO.writeAtomically(work + "/thing", Array("made".utf8))
                        return work + "/thing"
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(paths) == [directory.file("cache/thing")])
        #expect(await builds.count == 1)
        #expect(try FileIO.readText(directory.file("cache/thing")) == "made")
        #expect(FileIO.listDirectory(directory.file("cache")).filter { $0.hasPrefix(".build-") }.isEmpty)
    }

    @Test func anIncompleteBuildIsNotCached() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = TestAssetCache(directory: directory.path)
        let isValid: @Sendable (String) async -> Bool = { (try? FileIO.readText($0)) == "complete" }
        await #expect(throws: TestAssetError.self) {
            try await cache.asset("thing", isValid: isValid) { work in
                try FileIO.writeAtomically(work + "/thing", Array("half".utf8))
                return work + "/thing"
            }
        }
        #expect(!FileIO.exists(directory.file("thing")))
        // A broken asset left by an older build is made again.
        try FileIO.writeAtomically(directory.file("thing"), Array("half".utf8))
        let path = try await cache.asset("thing", isValid: isValid) { work in
            try FileIO.writeAtomically(work + "/thing", Array("complete".utf8))
            return work + "/thing"
        }
        #expect(try FileIO.readText(path) == "complete")
    }

    @Test func aBuilderInAnotherProcessIsWaitedFor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = TestAssetCache(directory: directory.path)
        // The lock as another process's builder holds it: a separate open file description.
        let other = open(directory.file(".thing.lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        #expect(flock(other, LOCK_EX | LOCK_NB) == 0)
        let builds = Builds()
        let waiter = Task {
            try await cache.asset("thing") { FileIO.exists($0) } build: { work in
                await builds.add()
                try FileIO.writeAtomically(work + "/thing", Array("mine".utf8))
                return work + "/thing"
            }
        }
        try await Task.sleep(for: .milliseconds(400))
        #expect(await builds.count == 0, "no build while another process holds the lock")
        try FileIO.writeAtomically(directory.file("thing"), Array("theirs".utf8))
        close(other)
        let path = try await waiter.value
        #expect(try FileIO.readText(path) == "theirs", "what the other builder published is used")
        #expect(await builds.count == 0)
    }

    @Test(.enabled(if: BusyboxTemplate.missing == nil, "needs a static busybox (Debian package busybox-static)"))
    func templatesBuiltAtOnceAreComplete() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = directory.file("cache")
        async let first = BusyboxTemplate.archive(cacheDirectory: cache)
        async let second = BusyboxTemplate.archive(cacheDirectory: cache)
        let paths = try await [first, second]
        #expect(paths[0] == paths[1])
        let listing = try await SubprocessRunner().checked(["tar", "-t", "-z", "-f", paths[0]])
        for entry in ["./bin/busybox", "./etc/init.d/rcS", "./etc/network/if-up.d/", "./etc/inittab"] {
            #expect(listing.split(separator: "\n").contains(Substring(entry)))
        }
    }
}
