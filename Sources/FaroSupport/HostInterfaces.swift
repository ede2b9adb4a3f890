/// The host's network interfaces as the kernel shows them under `/sys/class/net`: Linux
/// bridges (with their ports) and physical Ethernet devices. Read-only: Faro does not write
/// the host's network configuration (yet), it only offers what exists.
public struct HostInterfaces: Sendable {
    /// One interface of the host.
    public struct Interface: Sendable, Equatable {
        public enum Kind: String, Sendable { case bridge, eth }

        public var name: String
        public var kind: Kind
        /// Administratively up (`IFF_UP` in its flags).
        public var isUp: Bool
        /// A bridge's ports, sorted; empty for other kinds.
        public var ports: [String]

        public init(name: String, kind: Kind, isUp: Bool, ports: [String]) {
            self.name = name
            self.kind = kind
            self.isUp = isUp
            self.ports = ports
        }
    }

    /// The sysfs directory (`/sys/class/net` on a host; a temporary tree in tests).
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Bridges and physical Ethernet devices, sorted by name. Loopback, virtual devices
    /// (veth, tap, ifb, ...) and bridge-less virtual links are left out.
    public func list() -> [Interface] {
        FileIO.listDirectory(directory).sorted().compactMap(interface(named:))
    }

    /// Bytes the interface received and sent (`statistics/rx_bytes`, `tx_bytes`).
    public func counters(_ name: String) -> (received: Int, sent: Int) {
        func read(_ file: String) -> Int {
            (try? FileIO.readText("\(directory)/\(name)/statistics/\(file)")).flatMap { Int($0.trimmed) } ?? 0
        }
        return (read("rx_bytes"), read("tx_bytes"))
    }

    func interface(named name: String) -> Interface? {
        let base = directory + "/" + name
        let flags = (try? FileIO.readText(base + "/flags")).flatMap { Int($0.trimmed.dropFirst(2), radix: 16) } ?? 0
        let isUp = flags & 1 != 0
        if FileIO.isDirectory(base + "/bridge") {
            return Interface(
                name: name, kind: .bridge, isUp: isUp, ports: FileIO.listDirectory(base + "/brif").sorted())
        }
        // A physical device has a `device` link; type 1 is ARPHRD_ETHER.
        let type = (try? FileIO.readText(base + "/type")).map(\.trimmed)
        guard FileIO.exists(base + "/device"), type == "1" else { return nil }
        return Interface(name: name, kind: .eth, isUp: isUp, ports: [])
    }
}

extension String {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
