/// Volumes allocated inside a config change, so a failure can free them again.
public actor VolumeLedger {
    public private(set) var volumes: [String] = []

    public init() {}

    public func add(_ volume: String) { volumes.append(volume) }
}
