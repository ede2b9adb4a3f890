import FaroStorage
import Testing

@Suite struct ContentTypeTests {
    @Test func listsParseAndPrintSorted() throws {
        let parsed = try ContentType.parseList("vztmpl,iso, backup").get()
        #expect(parsed == [.vztmpl, .iso, .backup])
        #expect(ContentType.listText(parsed) == "backup,iso,vztmpl")
        #expect(try ContentType.parseList("none").get().isEmpty)
        #expect(ContentType.listText([]) == "none")
    }

    @Test func badListsNameTheEntry() {
        #expect(throws: StorageError.invalidOption("content", "invalid content type 'isos'")) {
            try ContentType.parseList("iso,isos").get()
        }
        #expect(throws: StorageError.invalidOption("content", "'none' can not be combined with other content types")) {
            try ContentType.parseList("none,iso").get()
        }
    }
}
