/// A guest's typed config (`VMConfig`, `ContainerConfig`): what `GuestConfigStore` reads from
/// and writes to the store.
public protocol GuestConfig: Sendable {
    init(parsing text: String) throws
    func render() throws -> String
}
