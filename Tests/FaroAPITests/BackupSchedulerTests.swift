import FaroAPI
import FaroModel
import FaroTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct BackupSchedulerTests {
    static let tuesday = 1_700_000_000  // 2023-11-14 22:13:20 UTC
    static let saturdayTwo = 1_700_272_800  // 2023-11-18 02:00:00 UTC

    static func createJob(_ client: any TestClientProtocol, _ parameters: [String: String]) async throws -> Int {
        try await client.execute(
            uri: "/api2/json/cluster/backup", method: .post, headers: QemuAPITests.form,
            body: ByteBuffer(string: QemuAPITests.encode(parameters))
        ) { response in Int(response.status.code) }
    }

    @Test func aJobRunsWhenItsTimeComesOnceAndMissedRunsAreDroppedAtStart() async throws {
        let clock = ManualClock(Double(Self.tuesday))
        let node = try await TestNode(clock: { clock.wholeSeconds })
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        try await node.test { client in
            let status = try await Self.createJob(client, ["id": "weekly", "schedule": "sat 02:00 UTC", "vmid": "999"])
            #expect(status == 200)
        }
        let scheduler = BackupScheduler(services: node.services, logger: Logger(label: "test"))
        #expect(await scheduler.pass().isEmpty, "not due on Tuesday")
        clock.set(Double(Self.saturdayTwo - 1))
        #expect(await scheduler.pass().isEmpty, "one second early")
        clock.set(Double(Self.saturdayTwo + 30))
        let started = await scheduler.pass()
        #expect(started.count == 1)
        #expect(node.services.backupJobs.state("weekly")?.upid == started.first)
        _ = await node.services.tasks.wait(UPID(started[0])!)
        #expect(await scheduler.pass().isEmpty, "not twice for one time")
        // Down for two weeks: without repeat-missed, the first pass after a start drops the missed runs.
        clock.set(Double(Self.saturdayTwo + 15 * 86400))
        #expect(await scheduler.pass(first: true).isEmpty)
        #expect(node.services.backupJobs.state("weekly")?.updated == Self.saturdayTwo + 15 * 86400)
        clock.set(Double(Self.saturdayTwo + 21 * 86400 + 10))
        #expect(await scheduler.pass().count == 1, "and runs at its next regular time")
    }

    @Test func repeatMissedCatchesUpOnceAndDisabledJobsWait() async throws {
        let clock = ManualClock(Double(Self.tuesday))
        let node = try await TestNode(clock: { clock.wholeSeconds })
        defer { node.remove() }
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        try await node.test { client in
            for (id, extra) in [("catchup", ["repeat-missed": "1"]), ("off", ["enabled": "0"])] {
                let status = try await Self.createJob(client, ["id": id, "schedule": "daily UTC", "vmid": "998"].merging(extra) { $1 })
                #expect(status == 200)
            }
        }
        let scheduler = BackupScheduler(services: node.services, logger: Logger(label: "test"))
        clock.set(Double(Self.tuesday + 10 * 86400))
        #expect(await scheduler.pass(first: true).count == 1, "one catch-up run however many were missed")
        #expect(node.services.backupJobs.state("off")?.upid == nil, "a disabled job never runs")
    }
}
