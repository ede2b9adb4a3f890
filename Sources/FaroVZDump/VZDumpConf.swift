/// The node's vzdump defaults, `/etc/vzdump.conf` in Proxmox (under the node root in Faro):
/// `key: value` lines; blank lines and lines starting with `#` are skipped. The values are
/// checked against vzdump's schema by the caller, which knows it.
public enum VZDumpConf {
    /// The options a defaults file may not set: they select guests or are one run's business.
    public static let notDefaults: Set<String> = ["vmid", "all", "exclude", "node", "job-id", "stop"]

    /// The settings in file order; a line that is not `key: value` is an error naming it.
    public static func parse(_ text: String) throws(VZDumpError) -> [(key: String, value: String)] {
        var settings: [(key: String, value: String)] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw VZDumpError.failed("vzdump.conf line \(number + 1): unable to parse '\(line)'")
            }
            let key = String(line[..<colon]), value = line[line.index(after: colon)...].trimmingSpaces
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw VZDumpError.failed("vzdump.conf line \(number + 1): unable to parse '\(line)'")
            }
            if notDefaults.contains(key) { throw VZDumpError.parameter(key, "vzdump.conf: not a default option") }
            settings.append((key, String(value)))
        }
        return settings
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }
}
