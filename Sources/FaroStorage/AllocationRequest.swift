/// A new volume asked for in a guest option as `STORAGE:SIZE`, the size in GiB (`local:32`,
/// `local-lvm:0.5`), as Proxmox's VM disks and container mount points take it.
public enum AllocationRequest {
    /// The largest size a request may name, 1 EiB: every size in KiB or bytes stays far inside
    /// `UInt64` and `Int`, so no conversion of a client's number can overflow.
    public static let maxGiB: Double = 1_073_741_824

    /// The storage and the size, or nil when the text names an existing volume or a path, or a
    /// size that is not a plain decimal number up to `maxGiB`.
    public static func parse(_ text: some StringProtocol) -> (storage: String, gib: Double)? {
        guard let colon = text.firstIndex(of: ":"), !text.hasPrefix("/") else { return nil }
        let size = text[text.index(after: colon)...]
        guard size.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let gib = Double(size), gib >= 0, gib <= maxGiB
        else { return nil }
        return (String(text[..<colon]), gib)
    }
}
