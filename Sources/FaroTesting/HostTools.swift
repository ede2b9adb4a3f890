import FaroSupport
import Foundation

/// Just enough ELF reading to tell a static executable (no program interpreter) from one
/// that needs a dynamic loader, which would not run in a bare initramfs.
public enum ELFFile {
    public static func isStaticExecutable(_ path: String) -> Bool {
        guard let bytes = try? FileIO.read(path), bytes.count > 64, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]),
            bytes[4] == 2  // 64-bit
        else { return false }
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let headerOffset = integer(0x20, 8)
        let headerSize = integer(0x36, 2)
        let headerCount = integer(0x38, 2)
        let interpreter = 3
        for index in 0..<headerCount {
            let offset = headerOffset + index * headerSize
            guard offset + 4 <= bytes.count else { return false }
            if integer(offset, 4) == interpreter { return false }
        }
        return true
    }
}
