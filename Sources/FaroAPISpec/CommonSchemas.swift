import FaroSchema

/// Parameter and result schemas shared by many declarations.
public enum Common {
    public static let node = Schema.string("The cluster node name.", format: "pve-node")
    public static let vmid = Schema.integer("The (unique) ID of the VM.", minimum: 100, maximum: 999_999_999)
        .with { $0.format = .named("pve-vmid") }
    public static let upid = Schema.string("The task's unique ID.", format: "pve-upid")

    /// A field in a result object: optional unless stated.
    public static func field(_ schema: Schema, _ description: String) -> Schema {
        schema.describe(description).optional()
    }
}
