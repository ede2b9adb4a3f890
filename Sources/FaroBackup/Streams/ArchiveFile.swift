#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// What produces an archive's uncompressed bytes.
public enum ArchiveProducer: Sendable {
    /// A program that writes the archive to its standard output (tar).
    case command(Command)
    /// Blocking code that writes the archive into the sink (the VMA writer); it polls the flag
    /// and stops when the task is cancelled.
    case stream(@Sendable (any ByteSink, CancelFlag) throws(BackupError) -> Void)
}

/// Archive files streamed through their (de)compressor: producer → pipe → `zstd` → file,
/// and file → `zstd -d` → pipe → consumer. Nothing is held in memory or copied to a temporary
/// file on the way, so the size of a disk does not matter.
public struct ArchiveFile: Sendable {
    public let runner: any CommandRunner

    public init(runner: any CommandRunner) { self.runner = runner }

    /// Writes a new file at `path` (never over an existing one) from what `producer` makes,
    /// compressed; on any failure or cancellation the file is removed. Returns the file's size.
    public func write(
        to path: String, compression: BackupCompression, zstdThreads: Int = 1, producer: ArchiveProducer
    ) async throws(BackupError) -> Int64 {
        let file = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw .io(operation: "create", path: path, errno: errno) }
        let syncHandle = dup(file)
        defer { close(syncHandle) }
        do throws(BackupError) {
            if var compressor = compression.compressor(zstdThreads: zstdThreads) {
                let (readEnd, writeEnd) = try Self.pipe()
                compressor.inputDescriptor = readEnd
                compressor.outputDescriptor = file
                async let compressed = runner.outcome(compressor)
                let produced = await produce(producer, into: writeEnd, name: path)
                try Self.check(produced, await compressed)
            } else {
                try Self.check(await produce(producer, into: file, name: path), nil)
            }
            guard fsync(syncHandle) == 0 else { throw .io(operation: "sync", path: path, errno: errno) }
            var info = stat()
            guard fstat(syncHandle, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
            return Int64(info.st_size)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Reads the file at `path` through its decompressor into blocking code (the VMA reader).
    /// A consumer that stops early is fine unless `complete` says it wanted everything; then a
    /// decompressor that failed (a corrupt or truncated file) fails the read with its message.
    public func read<Result: Sendable>(
        from path: String, compression: BackupCompression, complete: Bool,
        consumer: @escaping @Sendable (any ByteSource, CancelFlag) throws(BackupError) -> Result
    ) async throws(BackupError) -> Result {
        try await decompressed(path, compression, complete: complete) { descriptor throws(BackupError) in
            let flag = CancelFlag()
            return try await Blocking.run(flag) { () throws(BackupError) -> Result in
                let source = DescriptorSource(descriptor: descriptor, name: path)
                defer { source.close() }
                return try consumer(source, flag)
            }
        }
    }

    /// Feeds the file at `path`, decompressed, to a program's standard input (tar) and returns
    /// its result; a failed program is an error, and so is a failed decompressor when the
    /// program was to read everything (`complete`).
    public func read(
        from path: String, compression: BackupCompression, complete: Bool = true, into command: Command
    ) async throws(BackupError) -> CommandResult {
        try await decompressed(path, compression, complete: complete) { descriptor throws(BackupError) in
            var command = command
            command.inputDescriptor = descriptor
            switch await runner.outcome(command) {
            case .success(let result): return result
            case .failure(let error): throw .command(error)
            }
        }
    }

    private func decompressed<Result: Sendable>(
        _ path: String, _ compression: BackupCompression, complete: Bool,
        _ body: (Int32) async throws(BackupError) -> Result
    ) async throws(BackupError) -> Result {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        guard var decompressor = compression.decompressor else { return try await body(file) }
        let (readEnd, writeEnd) = try Self.pipe()
        decompressor.inputDescriptor = file
        decompressor.outputDescriptor = writeEnd
        async let decompressing = runner.outcome(decompressor)
        let consumed: Swift.Result<Result, BackupError>
        do throws(BackupError) { consumed = .success(try await body(readEnd)) } catch { consumed = .failure(error) }
        let tool = await decompressing
        switch (consumed, tool) {
        case (.failure(let error), .failure(let toolError)): throw .tool("\(error) (\(toolError))")
        case (.failure(let error), _): throw error
        case (.success, .failure(let toolError)) where complete: throw .command(toolError)
        case (.success(let value), _): return value
        }
    }

    private func produce(_ producer: ArchiveProducer, into descriptor: Int32, name: String) async -> Swift.Result<Void, BackupError> {
        switch producer {
        case .command(var command):
            command.outputDescriptor = descriptor
            return await runner.outcome(command).map { _ in () }.mapError(BackupError.command)
        case .stream(let body):
            let flag = CancelFlag()
            do throws(BackupError) {
                try await Blocking.run(flag) { () throws(BackupError) in
                    let sink = DescriptorSink(descriptor: descriptor, name: name)
                    defer { sink.close() }
                    try body(sink, flag)
                }
                return .success(())
            } catch { return .failure(error) }
        }
    }

    /// A pipe whose ends are closed on exec, so only the program a descriptor is handed to
    /// holds it (otherwise a second child could keep a write end open and the reader would
    /// never see end of file).
    static func pipe() throws(BackupError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw .io(operation: "create", path: "pipe", errno: errno) }
        // (swift-subprocess also closes every other descriptor in its children.)
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    static func check(_ produced: Swift.Result<Void, BackupError>, _ tool: Swift.Result<CommandResult, CommandError>?) throws(BackupError) {
        // The producer's failure says more than the compressor's (which merely saw the end).
        if case .failure(let error) = produced { throw error }
        switch tool {
        case .failure(let error): throw .command(error)
        case .success(let result) where !result.succeeded: throw .command(.failed(result))
        default: break
        }
    }
}

extension CommandRunner {
    /// Runs `command` and reports how it went as a value (for `async let`); a non-zero exit
    /// shows as a failed result.
    func outcome(_ command: Command) async -> Result<CommandResult, CommandError> {
        do throws(CommandError) {
            let result = try await run(command)
            return result.succeeded ? .success(result) : .failure(.failed(result))
        } catch { return .failure(error) }
    }
}
