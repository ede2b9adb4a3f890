import FaroAPISpec
import FaroConfig
import FaroModel
import FaroStore
import FaroSupport
import Foundation

extension Handlers {
    /// DNS, hosts and time zone live in the node's own files (`NodeSystemFiles`, under the
    /// root); the system log is the host's journal.
    static func registerNodeSystem(_ table: inout HandlerTable, _ services: NodeServices) {
        let files = services.systemFiles
        table.on(.get, "/nodes/{node}/dns") { _ in
            let resolv = ResolvConf(parsing: String(decoding: try files.read(files.resolvConf), as: UTF8.self))
            var result: [String: JSONValue] = [:]
            if let search = resolv.search { result["search"] = .string(search) }
            for (index, server) in resolv.nameservers.prefix(3).enumerated() {
                result["dns\(index + 1)"] = .string(server)
            }
            return .json(.object(result))
        }
        table.on(.put, "/nodes/{node}/dns") { request in
            let search = request.required("search")
            if search.contains(where: \.isNewline) { throw APIError.parameter("search", "value must be a single line") }
            var resolv = ResolvConf(parsing: String(decoding: try files.read(files.resolvConf), as: UTF8.self))
            resolv.search = search
            resolv.nameservers = (1...3).compactMap { request.string("dns\($0)") }
            try files.write(files.resolvConf, Array(resolv.render().utf8))
            return .null
        }
        table.on(.get, "/nodes/{node}/hosts") { _ in
            let bytes = try files.read(files.hosts)
            return .json([
                "data": .string(String(decoding: bytes, as: UTF8.self)), "digest": .string(StoreFile.digest(of: bytes)),
            ])
        }
        table.on(.post, "/nodes/{node}/hosts") { request in
            if let digest = request.string("digest"), digest != StoreFile.digest(of: try files.read(files.hosts)) {
                throw APIError.failed("detected modified configuration - file changed by other user? Try again.")
            }
            var text = request.required("data")
            if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
            try files.write(files.hosts, Array(text.utf8))
            return .null
        }
        table.on(.get, "/nodes/{node}/time") { _ in
            let now = services.clock()
            let zone = files.timezone()
            let offset = TimeZone(identifier: zone)?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(now))) ?? 0
            return .json(["time": .int(now), "localtime": .int(now + offset), "timezone": .string(zone)])
        }
        table.on(.put, "/nodes/{node}/time") { request in
            let zone = request.required("timezone")
            guard files.isKnownTimezone(zone) else {
                throw APIError.parameter("timezone", "No such timezone '\(zone)'")
            }
            try files.setTimezone(zone)
            return .null
        }
        table.on(.get, "/nodes/{node}/syslog") { request in
            let lines = try await journalLines(services.runner, request)
            let start = min(request.int("start") ?? 0, lines.count)
            let window = lines[start...].prefix(request.int("limit") ?? 50)
            let entries = window.enumerated().map { offset, text in
                JSONValue.object(["n": .int(start + offset + 1), "t": .string(text)])
            }
            return .json(.array(entries), total: lines.count)
        }
    }

    /// The journal's lines in journalctl's classic syslog layout, filtered as asked.
    static func journalLines(_ runner: any CommandRunner, _ request: APIRequest) async throws -> [String] {
        var argv = ["journalctl", "--no-pager", "--quiet", "--output=short"]
        if let since = request.string("since") { argv.append("--since=\(since)") }
        if let until = request.string("until") { argv.append("--until=\(until)") }
        if let service = request.string("service") { argv.append("--unit=\(service)") }
        let output = try await runner.checked(argv)
        return output.split(separator: "\n").map(String.init)
    }
}
