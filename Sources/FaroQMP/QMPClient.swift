import FaroModel
import NIOCore
import NIOExtras
import NIOPosix

/// A connection to one QEMU monitor (QMP) socket. The actor owns the socket: commands carry an
/// `id` and are matched to their replies, events go to `events`, and when QEMU exits every
/// waiting command fails with `.connectionClosed` and `events` finishes.
public actor QMPClient {
    public nonisolated let socketPath: String
    public nonisolated let greeting: QMPGreeting
    /// Asynchronous events in arrival order, for one consumer. Finishes when the socket closes.
    public nonisolated let events: AsyncStream<QMPEvent>
    /// Used when `execute` is given no timeout; Proxmox's default is 5 s.
    public let defaultTimeout: Duration

    private let channel: any Channel
    private let eventSink: AsyncStream<QMPEvent>.Continuation
    private var pending: [Int: PendingCommand] = [:]
    private var nextID = 1
    private var isClosed = false
    /// Lines that were neither replies nor events (QEMU sends none; a broken peer might).
    public private(set) var unrecognizedLines = 0

    private struct PendingCommand {
        let command: String
        let continuation: CheckedContinuation<JSONValue, any Error>
        let timer: Task<Void, Never>
    }

    /// Connects, reads the greeting and leaves capabilities negotiation mode, so the returned
    /// client accepts commands and receives events.
    public static func connect(
        socketPath: String, timeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(QMPError) -> QMPClient {
        let loop = eventLoopGroup.next()
        let greetingPromise = loop.makePromise(of: String.self)
        let (lines, lineSink) = AsyncStream<String>.makeStream()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(TimeAmount(timeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            QMPLineHandler(greeting: greetingPromise, lines: lineSink, socket: socketPath))
                    }
                }
                .connect(unixDomainSocketPath: socketPath).get()
        } catch {
            greetingPromise.fail(error)
            throw .connectFailed(socket: socketPath, reason: String(describing: error))
        }
        let started = ContinuousClock.now
        let deadline = loop.scheduleTask(in: TimeAmount(timeout)) { channel.close(promise: nil) }
        // Cancelled on the event loop as the greeting arrives: this task may resume much later
        // on a busy machine, and the greeting must not be lost to the timer meanwhile.
        greetingPromise.futureResult.whenComplete { _ in deadline.cancel() }
        let line: String
        do {
            line = try await greetingPromise.futureResult.get()
        } catch {
            channel.close(promise: nil)
            if ContinuousClock.now - started >= timeout { throw .noGreeting(socket: socketPath, after: timeout) }
            throw .connectionClosed(socket: socketPath, command: nil)
        }
        guard case .greeting(let greeting) = QMPMessage(line: line) else {
            channel.close(promise: nil)
            throw .badGreeting(socket: socketPath, line: line)
        }
        let client = QMPClient(socketPath: socketPath, greeting: greeting, channel: channel, commandTimeout: commandTimeout)
        await client.startReading(lines)
        do {
            _ = try await client.execute("qmp_capabilities", timeout: timeout)
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    private init(socketPath: String, greeting: QMPGreeting, channel: any Channel, commandTimeout: Duration) {
        self.socketPath = socketPath
        self.greeting = greeting
        self.channel = channel
        self.defaultTimeout = commandTimeout
        (events, eventSink) = AsyncStream<QMPEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    private func startReading(_ lines: AsyncStream<String>) {
        Task {
            for await line in lines { self.receive(line) }
            self.connectionEnded()
        }
    }

    /// Sends `command` with `arguments` and returns its `return` value. Throws
    /// `.commandFailed` with QEMU's error class and text, `.timedOut` when no reply came in
    /// time (a late reply is dropped), `.connectionClosed` when QEMU went away.
    @discardableResult
    public func execute(
        _ command: String, arguments: [String: JSONValue] = [:], timeout: Duration? = nil
    ) async throws(QMPError) -> JSONValue {
        if isClosed { throw .connectionClosed(socket: socketPath, command: command) }
        let id = nextID
        nextID += 1
        var message: [String: JSONValue] = ["execute": .string(command), "id": .int(id)]
        if !arguments.isEmpty { message["arguments"] = .object(arguments) }
        var bytes = JSONWriter.bytes(.object(message))
        bytes.append(UInt8(ascii: "\n"))
        let limit = timeout ?? defaultTimeout
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation(isolation: self) { continuation in
                    let timer = Task { [weak self] in
                        guard (try? await Task.sleep(for: limit)) != nil else { return }
                        await self?.finish(id, with: .failure(.timedOut(command: command, after: limit)))
                    }
                    pending[id] = PendingCommand(command: command, continuation: continuation, timer: timer)
                    let written = channel.eventLoop.makePromise(of: Void.self)
                    let closed = QMPError.connectionClosed(socket: socketPath, command: command)
                    written.futureResult.whenFailure { [weak self] _ in
                        Task { await self?.finish(id, with: .failure(closed)) }
                    }
                    channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: written)
                }
            } onCancel: {
                Task { await self.finish(id, with: .failure(.cancelled(command: command))) }
            }
        } catch let error as QMPError {
            throw error
        } catch {
            throw .cancelled(command: command)
        }
    }

    /// Closes the socket. Waiting commands fail with `.connectionClosed`; `events` finishes.
    public func close() async {
        try? await channel.close()
        connectionEnded()
    }

    private func receive(_ line: String) {
        switch QMPMessage(line: line) {
        case .reply(let id, let value):
            guard let id = id?.intValue, pending[id] != nil else { return unrecognized() }
            finish(id, with: .success(value))
        case .failure(let id, let errorClass, let description):
            guard let id = id?.intValue, let command = pending[id]?.command else { return unrecognized() }
            finish(id, with: .failure(.commandFailed(command: command, errorClass: errorClass, description: description)))
        case .event(let event):
            eventSink.yield(event)
        case .greeting, .unrecognized:
            unrecognized()
        }
    }

    private func unrecognized() { unrecognizedLines += 1 }

    private func finish(_ id: Int, with outcome: Result<JSONValue, QMPError>) {
        guard let command = pending.removeValue(forKey: id) else { return }
        command.timer.cancel()
        command.continuation.resume(with: outcome.mapError { $0 as any Error })
    }

    private func connectionEnded() {
        guard !isClosed else { return }
        isClosed = true
        for id in pending.keys.sorted() {
            finish(id, with: .failure(.connectionClosed(socket: socketPath, command: pending[id]?.command)))
        }
        eventSink.finish()
    }
}
