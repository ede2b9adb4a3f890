import FaroSchema
import Testing

/// Schemas share their fields until one is changed: a changed copy never changes the original.
@Suite struct SchemaValueTests {
    @Test func aModifiedCopyLeavesTheOriginalAlone() {
        let shared = Schema.string("Use volume as container mount point.", format: "pve-volume-id").optional()
        var table = ["mp0": shared, "mp1": shared]
        table["mp1"]!.description = "changed"
        table["mp1"]!.isOptional = false
        #expect(table["mp0"]!.description == "Use volume as container mount point.")
        #expect(table["mp0"]!.isOptional)
        #expect(shared.isOptional && shared.description == "Use volume as container mount point.")
        #expect(table["mp1"]!.description == "changed" && !table["mp1"]!.isOptional)
    }

    @Test func nestedSchemasAreValuesToo() {
        let inner = Schema.integer("size", minimum: 1)
        var outer = Schema.object(["size": inner])
        var copy = outer
        copy.properties!["size"]!.minimum = 5
        outer.items = inner
        #expect(outer.properties!["size"]!.minimum == 1)
        #expect(copy.properties!["size"]!.minimum == 5)
        #expect(copy.items == nil && outer.items?.minimum == 1)
    }
}
