import Foundation

/// Character and block device nodes in a directory tree, for tests that must prove none was
/// planted (symbolic links are not followed).
public enum DeviceNodes {
    /// Paths relative to `directory`, sorted.
    public static func find(under directory: String) -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(directory + "/" + relative, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            if type == S_IFCHR || type == S_IFBLK { found.append(relative) }
        }
        return found.sorted()
    }
}
