/// The node's `resolv.conf` as Proxmox's DNS settings see it: one search domain and up to
/// three name servers. Lines it does not manage (`options`, comments) survive a rewrite.
public struct ResolvConf: Sendable, Equatable {
    public var search: String?
    public var nameservers: [String]
    /// The lines other than `search`, `domain` and `nameserver`, in their order.
    public var otherLines: [String]

    public init(search: String? = nil, nameservers: [String] = [], otherLines: [String] = []) {
        self.search = search
        self.nameservers = nameservers
        self.otherLines = otherLines
    }

    /// `domain` counts as the search domain when there is no `search` line, as for the resolver.
    public init(parsing text: String) {
        var search: String?
        var domain: String?
        var nameservers: [String] = []
        var others: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            switch words.first {
            case "search"?: search = words.dropFirst().joined(separator: " ")
            case "domain"?: domain = words.dropFirst().first
            case "nameserver"?: if let address = words.dropFirst().first { nameservers.append(address) }
            default: if !line.allSatisfy(\.isWhitespace) { others.append(String(line)) }
            }
        }
        self.init(search: search ?? domain, nameservers: nameservers, otherLines: others)
    }

    public func render() -> String {
        var lines: [String] = []
        if let search, !search.isEmpty { lines.append("search \(search)") }
        lines += nameservers.prefix(3).map { "nameserver \($0)" }
        lines += otherLines
        return lines.map { $0 + "\n" }.joined()
    }
}
