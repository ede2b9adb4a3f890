#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FileIO {
    /// Writes `text` into a file that must exist, in one `write` and without truncating or
    /// renaming: how cgroup and sysfs files take a value. The kernel's refusal is the error.
    public static func writeExisting(_ path: String, _ text: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open", path: path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw FileError("write", path: path, errno: written < 0 ? errno : EIO) }
    }
}

extension FileIO {
    /// Whether something is mounted at `path`, from this process's mount table (what
    /// `mountpoint -q` answers, without a program start).
    public static func isMountPoint(_ path: String) -> Bool {
        guard let resolved = realPath(path), let table = try? readText("/proc/self/mountinfo") else { return false }
        return mountPoints(mountInfo: table).contains(resolved)
    }

    /// The mount points in a `/proc/*/mountinfo` text (the fifth field, with the kernel's
    /// octal escapes for space, tab, newline and backslash undone).
    public static func mountPoints(mountInfo: String) -> Set<String> {
        var result: Set<String> = []
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5)
            guard fields.count >= 5 else { continue }
            result.insert(unescapeMountField(fields[4]))
        }
        return result
    }

    /// The mounted sources (devices such as `/dev/loop3`, or `none`, `proc`, ...) in a
    /// `/proc/*/mountinfo` text: the field after the file system type, past the ` - ` separator.
    public static func mountSources(mountInfo: String) -> Set<String> {
        var result: Set<String> = []
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            // Fields 7 and on are optional tags, ended by a lone "-".
            guard fields.count > 6, let separator = fields[6...].firstIndex(of: "-"), separator + 2 < fields.count
            else { continue }
            result.insert(unescapeMountField(fields[separator + 2]))
        }
        return result
    }

    static func unescapeMountField(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[index + 1...index + 3], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `mount --bind [-o ro] source target` as system calls: the bind, then for a read-only one
    /// its remount read-only (the flag is ignored on the bind itself). A failed remount undoes
    /// the bind, so nothing stays mounted writable.
    public static func bindMount(_ source: String, at target: String, readOnly: Bool = false) throws(FileError) {
        guard mount(source, target, nil, UInt(MS_BIND), nil) == 0 else { throw FileError("bind-mount '\(source)' at", path: target, errno: errno) }
        guard readOnly else { return }
        guard mount(nil, target, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY), nil) == 0 else {
            let code = errno
            umount2(target, 0)
            throw FileError("remount read-only", path: target, errno: code)
        }
    }
}
