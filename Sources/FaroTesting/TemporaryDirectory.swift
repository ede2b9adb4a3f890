import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (tests call it in a
/// `defer`, so it goes even when they fail).
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "faro-test") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(cString: created)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ relative: String) -> String { path + "/" + relative }
}
