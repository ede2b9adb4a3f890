/// Proxmox's `disk-size` format: `<number>[K|M|G|T][iB]`, 1024-based, printed with the
/// largest unit that divides the size exactly (`32G`, `104858K`, or plain bytes).
public enum SizeFormat {
    static let units: [(Character, Int)] = [("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]

    public static func parse(_ text: String) -> Int? {
        var body = Substring(text)
        if body.hasSuffix("iB") { body = body.dropLast(2) }
        var multiplier = 1
        if let last = body.last, let unit = units.first(where: { $0.0 == last }) {
            multiplier = unit.1
            body = body.dropLast()
        } else if text.hasSuffix("iB") {
            return nil
        }
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitChar) }),
            let number = Double(body)
        else { return nil }
        let bytes = number * Double(multiplier)
        guard bytes < 9.0e18 else { return nil }
        return Int(bytes)
    }

    public static func format(_ bytes: Int) -> String {
        for (unit, size) in units where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return String(bytes)
    }
}
