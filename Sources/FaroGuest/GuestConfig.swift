import FaroModel

/// A guest's typed config (`VMConfig`, `ContainerConfig`): what `GuestConfigStore` reads from
/// and writes to the store.
public protocol GuestConfig: Sendable {
    init(parsing text: String) throws
    func render() throws -> String
    /// What the resource list shows of the guest; `hostCPUs` is the default CPU count of a
    /// container without a `cores` limit.
    func summary(vmid: VMID, hostCPUs: Int) -> GuestSummary
}
