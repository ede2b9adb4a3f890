/// Where `qemu-img` reads an image volume: a file or block device, its format, and for qcow2
/// the internal snapshot to read instead of the current state.
public struct ImageSource: Sendable, Equatable {
    public var path: String
    public var format: String
    public var internalSnapshot: String?

    public init(path: String, format: String, internalSnapshot: String? = nil) {
        self.path = path
        self.format = format
        self.internalSnapshot = internalSnapshot
    }
}
