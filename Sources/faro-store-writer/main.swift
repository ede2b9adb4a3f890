import FaroStore
import Foundation

// Test helper for the crash-safety test: rewrites a set of files in a loop until it is
// killed. Every version of a file is one repeated byte, so a torn write is easy to spot.
// Usage: faro-store-writer DATABASE

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: faro-store-writer DATABASE\n".utf8))
    exit(2)
}
let store = try SQLiteConfigStore(path: arguments[1])
FileHandle.standardOutput.write(Data("ready\n".utf8))
var round: UInt8 = 0
while true {
    round = round &+ 1
    for index in 0..<8 {
        let byte = UInt8(ascii: "a") + round % 26
        try await store.write("nodes/n/qemu-server/\(100 + index).conf", data: [UInt8](repeating: byte, count: 200_000), ifRevision: nil)
    }
}
