import Foundation
import FaroModel
import FaroSupport

/// Where content lives on a file-based storage (`images/<vmid>/`, `template/iso/`, `dump/`,
/// ...), with `content-dirs` overrides, and the one place volume names become paths.
public struct FileLayout: Sendable {
    public let base: String
    let overrides: [ContentType: String]

    public init(base: String, contentDirs: String?) throws(StorageError) {
        self.base = base
        var overrides: [ContentType: String] = [:]
        for item in (contentDirs ?? "").split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let type = ContentType(rawValue: pair[0]), Self.isSafeRelative(pair[1]) else {
                throw .invalidOption("content-dirs", "invalid override '\(item)'")
            }
            overrides[type] = pair[1].split(separator: "/").joined(separator: "/")
        }
        self.overrides = overrides
    }

    /// The layout a file storage's definition describes (`path`, `content-dirs`).
    public init(definition: StorageDefinition) throws(StorageError) {
        guard let path = definition.path else { throw .invalidOption("path", "property is missing and it is not optional") }
        try self.init(base: path, contentDirs: definition["content-dirs"])
    }

    public func directory(_ content: ContentType) -> String {
        base + "/" + (overrides[content] ?? content.defaultSubdirectory)
    }

    /// The path of a parsed volume. The name was checked component by component when parsed.
    public func path(_ volume: ParsedVolume) -> String {
        switch volume.content {
        case .images, .rootdir: return directory(.images) + "/\(volume.vmid!)/" + volume.name
        default: return directory(volume.content) + "/" + volume.name
        }
    }

    /// Fails when a symlink somewhere on the way leads the path out of the storage.
    public func ensureInside(_ path: String) throws(StorageError) {
        guard let realBase = FileIO.realPath(base) else { throw .io("storage path '\(base)' does not exist") }
        var probe = path
        while FileStatus.of(probe) == nil, let slash = probe.lastIndex(of: "/"), slash != probe.startIndex {
            probe = String(probe[..<slash])
        }
        guard let real = FileIO.realPath(probe), real == realBase || real.hasPrefix(realBase + "/") else {
            throw .io("path '\(path)' leads outside the storage")
        }
    }

    static func isSafeRelative(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return !parts.isEmpty && path.utf8.count < 1023
            && parts.allSatisfy { VolumeName.isSafeComponent(String($0)) && $0 != ".." }
    }
}
