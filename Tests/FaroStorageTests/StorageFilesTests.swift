import FaroStorage
import Testing

@Suite struct StorageFilesTests {
    @Test(arguments: [
        ("debian-12.iso", "debian-12.iso"),
        ("../../etc/evil name?.iso", "evil_name_.iso"),
        (".hidden.iso", "_hidden.iso"),
        ("café.iso", "caf_.iso"),
    ])
    func fileNamesAreNormalisedAsProxmoxDoes(_ given: String, _ expected: String) {
        #expect(StorageFiles.normalizedFileName(given) == expected)
    }
}
