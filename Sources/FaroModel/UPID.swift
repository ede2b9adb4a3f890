/// A unique process (task) id in Proxmox's exact format:
/// `UPID:<node>:<pid %08X>:<pstart %08X>:<starttime %08X>:<type>:<id>:<user>:`.
/// It always ends with `:`, so clients that split on `:` get nine fields.
public struct UPID: Sendable, Hashable, CustomStringConvertible {
    public let node: String
    public let pid: Int
    public let pstart: Int
    public let startTime: Int
    public let type: String
    public let id: String
    public let user: String

    public init(node: String, pid: Int, pstart: Int, startTime: Int, type: String, id: String, user: String) {
        self.node = node
        self.pid = pid
        self.pstart = pstart
        self.startTime = startTime
        self.type = type
        self.id = id
        self.user = user
    }

    public var description: String {
        "UPID:\(node):\(Self.hex(pid, width: 8)):\(Self.hex(pstart, width: 8)):\(Self.hex(startTime, width: 8)):\(type):\(id):\(user):"
    }

    /// The task-log bucket: the last hex digit of the start time field.
    public var bucket: String { String(Self.hex(startTime, width: 8).last!) }

    static func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Parses a UPID with Proxmox's rules: node a DNS label, 8-digit hex fields (pstart 8–9),
    /// type/user without `:`, `/` or whitespace, id possibly empty.
    public init?(_ text: String) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 9, fields[0] == "UPID", fields[8].isEmpty else { return nil }
        guard NodeName.isValid(fields[1]) else { return nil }
        guard fields[2].count == 8, let pid = Int(fields[2], radix: 16),
            (8...9).contains(fields[3].count), let pstart = Int(fields[3], radix: 16),
            fields[4].count == 8, let start = Int(fields[4], radix: 16)
        else { return nil }
        func clean(_ field: String, allowEmpty: Bool) -> Bool {
            (allowEmpty || !field.isEmpty) && !field.contains(where: { $0 == "/" || $0.isWhitespace })
        }
        guard clean(fields[5], allowEmpty: false), clean(fields[6], allowEmpty: true), clean(fields[7], allowEmpty: false)
        else { return nil }
        self.init(node: fields[1], pid: pid, pstart: pstart, startTime: start, type: fields[5], id: fields[6], user: fields[7])
    }
}
