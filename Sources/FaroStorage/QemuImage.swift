import FaroModel
import FaroSupport

/// `qemu-img`, the tool every file-based plugin uses to create, inspect, grow and snapshot
/// disk images.
public struct QemuImage: Sendable {
    public struct Info: Sendable, Equatable {
        public var format: String
        public var virtualSize: UInt64
        public var actualSize: UInt64?
        public var backingFile: String?
        /// The names of the image's internal (qcow2) snapshots.
        public var snapshots: [String] = []
    }

    let runner: any CommandRunner

    public init(runner: any CommandRunner) { self.runner = runner }

    /// A new image; with `backing`, a qcow2 overlay on that image (of `backingFormat`).
    public func create(
        _ path: String, format: VolumeFormat, sizeKiB: UInt64, preallocation: String?, backing: String? = nil,
        backingFormat: String = "qcow2"
    ) async throws {
        var argv = ["qemu-img", "create"]
        if let backing { argv += ["-b", backing, "-F", backingFormat] }
        argv += ["-f", format.rawValue]
        if let preallocation, backing == nil, format == .qcow2 || format == .raw {
            argv += ["-o", "preallocation=\(preallocation)"]
        }
        argv.append(path)
        if backing == nil { argv.append("\(sizeKiB)K") }
        try await runner.checked(argv)
    }

    public func info(_ path: String) async throws -> Info {
        let output = try await runner.checked(["qemu-img", "info", "--output=json", "-U", path])
        return try Self.parseInfo(output, path: path)
    }

    static func parseInfo(_ output: String, path: String) throws -> Info {
        guard let json = try? JSONParser.parse(output), let format = json["format"]?.stringValue,
            let size = json["virtual-size"]?.intValue
        else { throw StorageError.io("unable to read image information of '\(path)'") }
        return Info(
            format: format, virtualSize: UInt64(max(0, size)), actualSize: json["actual-size"]?.intValue.map { UInt64(max(0, $0)) },
            backingFile: json["backing-filename"]?.stringValue,
            snapshots: json["snapshots"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
    }

    public func resize(_ path: String, format: String, bytes: UInt64) async throws {
        try await runner.checked(["qemu-img", "resize", "-f", format, path, String(bytes)])
    }

    public func snapshot(_ path: String, create name: String) async throws {
        try await runner.checked(["qemu-img", "snapshot", "-c", name, path])
    }

    public func snapshot(_ path: String, apply name: String) async throws {
        try await runner.checked(["qemu-img", "snapshot", "-a", name, path])
    }

    public func snapshot(_ path: String, delete name: String) async throws {
        try await runner.checked(["qemu-img", "snapshot", "-d", name, path])
    }

    /// Copies or converts an image into an existing one (`qemu-img convert -n`), e.g. for full
    /// clones and disk moves. `snapshot` reads an internal qcow2 snapshot instead of the current
    /// state; `bytesPerSecond` limits the rate.
    public func convert(
        from source: String, sourceFormat: String, to target: String, targetFormat: String, snapshot: String? = nil,
        bytesPerSecond: UInt64? = nil
    ) async throws {
        var argv = ["qemu-img", "convert", "-p", "-n", "-f", sourceFormat, "-O", targetFormat]
        if let snapshot { argv += ["-l", "snapshot.name=\(snapshot)"] }
        if let bytesPerSecond { argv += ["-r", String(bytesPerSecond)] }
        try await runner.checked(argv + [source, target])
    }
}
