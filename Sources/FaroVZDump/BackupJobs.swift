import FaroConfig
import FaroStore
import FaroSupport
import Foundation

/// The backup jobs: `vzdump` sections of the store's `jobs.cfg`, as Proxmox keeps them
/// (`vzdump: <id>`, then TAB-indented `key value` lines), changed under the store lock
/// `jobs.cfg`; and each job's node-local run state (`var/lib/faro/jobs/vzdump-<id>.json`).
public struct BackupJobs: Sendable {
    public static let path = StoreLayout.jobs
    public let store: any ConfigStore
    /// Where run states live (`NodePaths.stateDir` + `/jobs`).
    public let stateDirectory: String

    public init(store: any ConfigStore, stateDirectory: String) {
        self.store = store
        self.stateDirectory = stateDirectory
    }

    /// Every vzdump job, in file order.
    public func list() async throws -> [SectionConfig.Section] {
        try await config().sections.filter { $0.type == "vzdump" }
    }

    public func job(_ id: String) async throws -> SectionConfig.Section? {
        try await list().first { $0.id == id }
    }

    func config() async throws -> SectionConfig {
        guard let file = try await store.read(Self.path) else { return SectionConfig() }
        return SectionConfig.parse(String(decoding: file.data, as: UTF8.self)).config
    }

    /// Reads `jobs.cfg`, lets `change` edit it (throwing leaves it as it was), writes it back.
    public func update<T: Sendable>(_ change: @Sendable (inout SectionConfig) throws -> T) async throws -> T {
        try await store.withLock(Self.path) {
            let file = try await store.read(Self.path)
            var config = file.map { SectionConfig.parse(String(decoding: $0.data, as: UTF8.self)).config } ?? SectionConfig()
            let result = try change(&config)
            _ = try await store.write(Self.path, data: Array(try config.text().utf8), ifRevision: file?.revision ?? 0)
            return result
        }
    }

    // MARK: run state

    /// What the scheduler remembers of a job on this node.
    public struct State: Codable, Sendable, Equatable {
        public var state: String
        /// When the state was made (the job's creation on this node).
        public var time: Int
        /// When the schedule or `enabled` last changed, or missed runs were dropped.
        public var updated: Int?
        public var upid: String?
        /// Start time of the last run.
        public var started: Int?
        public var msg: String?

        public init(state: String, time: Int) {
            self.state = state
            self.time = time
        }

        /// What the next run counts from.
        public var lastRun: Int { max(updated ?? 0, started ?? 0, started == nil && updated == nil ? time : 0) }
    }

    func statePath(_ id: String) -> String { "\(stateDirectory)/vzdump-\(id).json" }

    public func state(_ id: String) -> State? {
        guard let bytes = try? FileIO.read(statePath(id)) else { return nil }
        return try? JSONDecoder().decode(State.self, from: Data(bytes))
    }

    public func saveState(_ id: String, _ state: State) throws {
        try FileIO.makeDirectory(stateDirectory)
        try FileIO.writeAtomically(statePath(id), Array(try JSONEncoder().encode(state)))
    }

    public func removeState(_ id: String) { FileIO.remove(statePath(id)) }
}
