/// The OVMF (UEFI) images a `bios: ovmf` VM boots with: the read-only code image and the
/// template its variables store starts from, as Debian's `ovmf` package installs them.
/// `efitype=4m` on q35 uses the Secure Boot build, which needs SMM (on by default on q35) and
/// a secure flash; `pre-enrolled-keys` picks the template with the Microsoft and distribution
/// keys enrolled. `2m` is the older, smaller layout and the default, as in Proxmox.
public struct OVMFFirmware: Sendable, Equatable {
    public static let defaultDirectory = "/usr/share/OVMF"

    public let code: String
    public let variablesTemplate: String
    /// The Secure Boot build, started with `cfi.pflash01` marked secure.
    public let secure: Bool
    /// Bytes of the variables store; QEMU maps exactly this much of a raw volume, which may be
    /// larger (LVM rounds up to its extent size).
    public let variablesSize: Int

    public init(efitype: String?, preEnrolledKeys: Bool, q35: Bool, directory: String = Self.defaultDirectory) {
        if efitype == "4m" {
            secure = q35
            code = directory + (q35 ? "/OVMF_CODE_4M.secboot.fd" : "/OVMF_CODE_4M.fd")
            variablesTemplate = directory + (preEnrolledKeys ? "/OVMF_VARS_4M.ms.fd" : "/OVMF_VARS_4M.fd")
            variablesSize = 540_672
        } else {
            secure = false
            code = directory + "/OVMF_CODE.fd"
            variablesTemplate = directory + "/OVMF_VARS.fd"
            variablesSize = 131_072
        }
    }

    /// The firmware for a config's `efidisk0` (2m defaults without one).
    public init(_ efiDisk: Drive?, q35: Bool, directory: String = Self.defaultDirectory) {
        self.init(
            efitype: efiDisk?.values["efitype"], preEnrolledKeys: efiDisk?.values["pre-enrolled-keys"] == "1", q35: q35,
            directory: directory)
    }
}
