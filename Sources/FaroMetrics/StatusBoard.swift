/// The newest sample of the node, of each guest and of each storage: what the collection loop
/// measured last. `/cluster/resources`, `status/current` and the exports read their figures
/// here, so each figure has one source.
public actor StatusBoard {
    /// Increases with every completed collection round, so caches of derived lists know when
    /// to refresh.
    public private(set) var generation = 0
    public private(set) var node: NodeFigures?
    /// Each guest's figures with the power-change count they were taken at.
    private var guests: [Int: (figures: GuestFigures, powerChanges: Int)] = [:]
    private var storages: [String: StorageFigures] = [:]

    public init() {}

    /// Publishes one collection round, replacing what the previous round found.
    /// `powerChanges` counts the guest starts and stops before the round, so a reader can tell
    /// figures older than the last start or stop.
    public func publish(node: NodeFigures, guests: [GuestFigures], storages: [StorageFigures], powerChanges: Int) {
        self.node = node
        self.guests = Dictionary(guests.map { ($0.vmid, ($0, powerChanges)) }, uniquingKeysWith: { $1 })
        self.storages = Dictionary(storages.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        generation += 1
    }

    /// Replaces one guest's sample between rounds (a fresh `status/current`), without
    /// moving the generation.
    public func update(_ figures: GuestFigures, powerChanges: Int) { guests[figures.vmid] = (figures, powerChanges) }

    public func guest(_ vmid: Int) -> GuestFigures? { guests[vmid]?.figures }

    /// The guest's figures if no guest started or stopped since they were taken.
    public func guest(_ vmid: Int, takenAt powerChanges: Int) -> GuestFigures? {
        guard let entry = guests[vmid], entry.powerChanges == powerChanges else { return nil }
        return entry.figures
    }

    public func allGuests() -> [GuestFigures] { guests.values.map(\.figures).sorted { $0.vmid < $1.vmid } }
    public func storage(_ id: String) -> StorageFigures? { storages[id] }
    public func allStorages() -> [StorageFigures] { storages.values.sorted { $0.id < $1.id } }
}
