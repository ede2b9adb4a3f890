import FaroModel

/// An asynchronous notification from QEMU, such as `SHUTDOWN` when the guest powers off.
public struct QMPEvent: Sendable, Hashable {
    /// An event name; QEMU has many, the common ones are named below.
    public struct Name: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The guest powered off, or QEMU was asked to quit; `data.guest` tells which.
        public static let shutdown: Name = "SHUTDOWN"
        /// `system_powerdown` pressed the ACPI power button.
        public static let powerdown: Name = "POWERDOWN"
        public static let reset: Name = "RESET"
        /// The VM paused (`stop`, an I/O error, ...).
        public static let stop: Name = "STOP"
        public static let resume: Name = "RESUME"
        public static let suspend: Name = "SUSPEND"
        public static let wakeup: Name = "WAKEUP"
        public static let guestPanicked: Name = "GUEST_PANICKED"
        public static let blockJobCompleted: Name = "BLOCK_JOB_COMPLETED"
        public static let deviceDeleted: Name = "DEVICE_DELETED"
    }

    public var name: Name
    /// The event's `data` object; an empty object when QEMU sent none.
    public var data: JSONValue
    /// When QEMU emitted it: seconds and microseconds since the Unix epoch.
    public var seconds: Int
    public var microseconds: Int

    public init(name: Name, data: JSONValue = .object([:]), seconds: Int = 0, microseconds: Int = 0) {
        self.name = name
        self.data = data
        self.seconds = seconds
        self.microseconds = microseconds
    }
}
