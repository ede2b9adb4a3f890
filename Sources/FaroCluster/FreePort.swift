#if canImport(Glibc)
import Glibc
#endif

/// A TCP port nobody listens on right now, for a server that must know its port before it
/// binds (etcd advertises its URLs, so it cannot listen on port 0 itself).
enum FreePort {
    static func pick(host: String) throws(ClusterError) -> Int {
        guard let bytes = IPAddressBytes.parse(host) else { throw .invalidAddress(host) }
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .invalidAddress(host) }
        defer { close(fd) }
        var port: UInt16 = 0
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else { throw .invalidAddress(host) }
            port = UInt16(bigEndian: address.sin_port)
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else { throw .invalidAddress(host) }
            port = UInt16(bigEndian: address.sin6_port)
        }
        return Int(port)
    }
}
