/// One member of a template archive, as GNU tar itself reads it: the line
/// `tar --list --verbose --quoting-style=c` prints for it. Judging tar's own reading (long
/// names, pax headers and all) means the check sees exactly what extraction will act on.
struct TemplateEntry: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case file, directory, symbolicLink, hardLink, characterDevice, blockDevice, fifo
    }

    var kind: Kind
    /// The member name exactly as stored, which is what tar's `--exclude` matches.
    var name: String
    /// A symbolic link's target, or the earlier member a hard link names.
    var link: String?

    init(_ kind: Kind, _ name: String, link: String? = nil) {
        self.kind = kind
        self.name = name
        self.link = link
    }

    /// The type letters tar prints first on a listing line (`C` is a contiguous file, which
    /// tar unpacks as a regular one). Anything else (volume headers, multi-volume parts,
    /// unknown types) is refused.
    static let kinds: [UInt8: Kind] = [
        UInt8(ascii: "-"): .file, UInt8(ascii: "C"): .file, UInt8(ascii: "d"): .directory,
        UInt8(ascii: "l"): .symbolicLink, UInt8(ascii: "h"): .hardLink, UInt8(ascii: "c"): .characterDevice,
        UInt8(ascii: "b"): .blockDevice, UInt8(ascii: "p"): .fifo,
    ]

    /// Parses one listing line, e.g. `crw-rw-rw- 0/0 1,1 1970-01-01 00:00:00 "dev/mem"`, or
    /// `hrw-r--r-- 0/0 0 ... "a" link to "b"`. Nil for a line that is not exactly that shape.
    /// Nothing before the name can hold a quote: owners are numeric (`--numeric-owner`).
    static func parse(line: some Collection<UInt8>) -> TemplateEntry? {
        let bytes = Array(line)
        guard let letter = bytes.first, let kind = kinds[letter],
            let open = bytes.firstIndex(of: UInt8(ascii: "\"")),
            let (name, afterName) = unquote(bytes, from: open)
        else { return nil }
        let rest = bytes[afterName...]
        let suffix: [UInt8]
        switch kind {
        case .symbolicLink: suffix = Array(" -> ".utf8)
        case .hardLink: suffix = Array(" link to ".utf8)
        default:
            return rest.isEmpty ? TemplateEntry(kind, name) : nil
        }
        guard rest.starts(with: suffix), let (link, end) = unquote(bytes, from: afterName + suffix.count),
            end == bytes.count
        else { return nil }
        return TemplateEntry(kind, name, link: link)
    }

    /// Reads a C-quoted string starting at the quote at `start`: the text and the index just
    /// past its closing quote. Nil when it is not well formed or not UTF-8.
    static func unquote(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var text: [UInt8] = []
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                guard let string = String(validating: text, as: UTF8.self) else { return nil }
                return (string, index)
            }
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escaped = bytes[index]
            index += 1
            if let plain = escapes[escaped] {
                text.append(plain)
            } else if octal.contains(escaped) {
                // One to three octal digits: a byte tar would not print as it is.
                var value = Int(escaped - octal.lowerBound)
                var digits = 1
                while digits < 3, index < bytes.count, octal.contains(bytes[index]) {
                    value = value * 8 + Int(bytes[index] - octal.lowerBound)
                    index += 1
                    digits += 1
                }
                guard value <= 0xFF else { return nil }
                text.append(UInt8(value))
            } else {
                return nil
            }
        }
        return nil
    }

    private static let octal = UInt8(ascii: "0")...UInt8(ascii: "7")

    private static let escapes: [UInt8: UInt8] = [
        UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "\""): UInt8(ascii: "\""),
        UInt8(ascii: "?"): UInt8(ascii: "?"),
        UInt8(ascii: "'"): UInt8(ascii: "'"), UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
        UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
    ]
}
