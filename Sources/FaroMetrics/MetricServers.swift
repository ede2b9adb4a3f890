import FaroConfig
import FaroSchema
import FaroStore
import Foundation

/// The metric servers of the cluster: `status.cfg` in the store, edited under its lock, and
/// each InfluxDB token apart in `priv/metricserver/<id>.pw` (as Proxmox keeps it), never listed.
public struct MetricServers: Sendable {
    let store: any ConfigStore
    static let configFile = StoreLayout.metricServers

    public init(store: any ConfigStore) { self.store = store }

    /// The servers with the file's digest.
    public func list() async throws -> (servers: [MetricServer], digest: String) {
        let file = try await store.read(Self.configFile)
        let servers = SectionConfig.parse(file?.text ?? "").config.sections.compactMap(MetricServer.init)
        return (servers, file?.digest ?? "")
    }

    public func server(_ id: String) async throws -> (server: MetricServer, digest: String) {
        let (servers, digest) = try await list()
        guard let server = servers.first(where: { $0.id == id }) else { throw MetricServerError.noSuchServer(id) }
        return (server, digest)
    }

    public func token(_ id: String) async throws -> String? {
        try await store.read(Self.tokenFile(id))?.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func tokenFile(_ id: String) -> String { StoreLayout.metricServerSecret(id) }

    /// Adds a server; `options` are the API's text values (booleans `0`/`1`).
    public func create(id: String, type: String, options: [String: String]) async throws {
        guard let kind = MetricServer.Kind(rawValue: type) else {
            throw ParameterErrors(["type": "type '\(type)' is not supported by Faro yet (influxdb, graphite)"])
        }
        try check(options, delete: [], kind: kind)
        try await update { config, _ in
            guard config[id: id] == nil else { throw MetricServerError.exists(id) }
            var section = SectionConfig.Section(type: type, id: id)
            for key in options.keys.sorted() where key != "token" { section[key] = options[key] }
            config.sections.append(section)
        }
        if let token = options["token"] { try await writeToken(id, token) }
    }

    /// Changes a server's options; `delete` names options to remove.
    public func modify(id: String, options: [String: String], delete: [String], digest: String?) async throws {
        try await update { config, current in
            if let digest, digest != current {
                throw MetricServerError.modified
            }
            guard var section = config[id: id], let kind = MetricServer.Kind(rawValue: section.type) else {
                throw MetricServerError.noSuchServer(id)
            }
            try check(options, delete: delete, kind: kind)
            for key in delete { section[key] = nil }
            for key in options.keys.sorted() where key != "token" { section[key] = options[key] }
            config[id: id] = section
        }
        if delete.contains("token") { try await writeToken(id, nil) }
        if let token = options["token"] { try await writeToken(id, token) }
    }

    public func remove(id: String) async throws {
        try await update { config, _ in
            guard config[id: id] != nil else { throw MetricServerError.noSuchServer(id) }
            config[id: id] = nil
        }
        try await writeToken(id, nil)
    }

    /// Options a type does not take, required ones deleted, one set and deleted together.
    func check(_ options: [String: String], delete: [String], kind: MetricServer.Kind) throws {
        let allowed = MetricServer.options(of: kind).union(["server", "port", "disable"])
        var errors: [String: String] = [:]
        for key in Array(options.keys) + delete where !allowed.contains(key) {
            errors[key] = "property is not defined in schema for metric server type '\(kind.rawValue)'"
        }
        for key in delete where key == "server" || key == "port" { errors[key] = "unable to delete required option '\(key)'" }
        for key in delete where options[key] != nil { errors[key] = "cannot set and delete option '\(key)' at the same time" }
        if kind == .graphite, let proto = options["proto"], !["udp", "tcp"].contains(proto) {
            errors["proto"] = "value '\(proto)' does not have a value in the enumeration 'udp, tcp'"
        }
        guard errors.isEmpty else { throw ParameterErrors(errors) }
    }

    private func update(_ change: @Sendable (inout SectionConfig, String) async throws -> Void) async throws {
        try await store.withLock(Self.configFile) {
            let file = try await store.read(Self.configFile)
            var config = SectionConfig.parse(file?.text ?? "").config
            try await change(&config, file?.digest ?? "")
            _ = try await store.write(Self.configFile, data: Array(try config.text().utf8), ifRevision: file?.revision ?? 0)
        }
    }

    private func writeToken(_ id: String, _ token: String?) async throws {
        let path = Self.tokenFile(id)
        let file = try await store.read(path)
        if let token {
            _ = try await store.write(path, data: Array((token + "\n").utf8), ifRevision: file?.revision ?? 0)
        } else if let file {
            try await store.delete(path, ifRevision: file.revision)
        }
    }
}

public enum MetricServerError: Error, Equatable, CustomStringConvertible {
    case noSuchServer(String)
    case exists(String)
    case modified

    public var description: String {
        switch self {
        case .noSuchServer(let id): "metric server '\(id)' does not exist"
        case .exists(let id): "metric server '\(id)' already exists"
        case .modified: "detected modified configuration - file changed by other user? Try again."
        }
    }
}
