#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Plain UDP datagrams and TCP streams to a metric server. The socket work runs on a thread
/// of its own, so a server that does not answer holds up neither the collection loop nor
/// Swift's cooperative threads; a TCP connection and its writes end after `timeout`.
enum MetricSocket {
    /// Sends each datagram to `host:port`.
    static func sendDatagrams(_ datagrams: [[UInt8]], host: String, port: Int) async throws {
        try await onThread {
            let (descriptor, address) = try open(host: host, port: port, type: Int32(SOCK_DGRAM.rawValue))
            defer { close(descriptor) }
            for datagram in datagrams {
                let sent = address.withUnsafeBytes { pointer in
                    datagram.withUnsafeBytes { sendto(descriptor, $0.baseAddress, datagram.count, 0, pointer.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count)) }
                }
                guard sent == datagram.count else { throw MetricSendError.socket("sendto", errno) }
            }
        }
    }

    /// Connects to `host:port` and writes `bytes`, all within `timeout` seconds.
    static func sendStream(_ bytes: [UInt8], host: String, port: Int, timeout: Int) async throws {
        try await onThread {
            let (descriptor, address) = try open(host: host, port: port, type: Int32(SOCK_STREAM.rawValue))
            defer { close(descriptor) }
            var limit = timeval(tv_sec: max(1, timeout), tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            let connected = address.withUnsafeBytes {
                connect(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
            }
            if connected != 0 {
                guard errno == EINPROGRESS else { throw MetricSendError.socket("connect", errno) }
                var poll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard Glibc.poll(&poll, 1, Int32(max(1, timeout) * 1000)) == 1 else { throw MetricSendError.timedOut }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw MetricSendError.socket("connect", error) }
            }
            _ = fcntl(descriptor, F_SETFL, flags)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { throw MetricSendError.socket("send", errno) }
                offset += written
            }
        }
    }

    private static func open(host: String, port: Int, type: Int32) throws -> (Int32, [UInt8]) {
        var hints = addrinfo()
        hints.ai_socktype = type
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw MetricSendError.unresolved(host)
        }
        defer { freeaddrinfo(result) }
        let address = Array(UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        let descriptor = socket(first.pointee.ai_family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw MetricSendError.socket("socket", errno) }
        return (descriptor, address)
    }

    private static func onThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Why a metric server did not get a round.
public enum MetricSendError: Error, Equatable, CustomStringConvertible {
    case unresolved(String)
    case socket(String, Int32)
    case timedOut
    case http(Int)

    public var description: String {
        switch self {
        case .unresolved(let host): "cannot resolve '\(host)'"
        case .socket(let call, let errno): "\(call) failed: \(String(cString: strerror(errno)))"
        case .timedOut: "timed out"
        case .http(let status): "HTTP status \(status)"
        }
    }
}
