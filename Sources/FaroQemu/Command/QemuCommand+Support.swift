import FaroGuestSchema

/// No silent drops: a config the command line cannot honour in full does not start.
extension QemuCommand {
    /// Refuses, naming the option, a key Faro does not know, an option it declares but cannot
    /// honour yet, and a property (or `hotplug` item) of an option that it cannot honour. The
    /// API refuses the same when the option is set (`VMService.validate`); this catches configs
    /// that arrive otherwise (a restore, a file written by hand or by Proxmox).
    static func refuseUnhonoured(_ config: VMConfig) throws(VMConfigError) {
        for (key, value) in config.options.sorted(by: { $0.key < $1.key }) {
            if VMOptions.internalKeys.contains(key) { continue }
            guard VMOptions.common[key] != nil else {
                throw .invalidOption(key: key, message: "option '\(key)' is not a VM option Faro knows")
            }
            guard VMOptions.isSupported(key) else {
                throw .invalidOption(key: key, message: "option '\(key)' is not supported by Faro yet")
            }
            if let refusal = VMOptions.refusal(of: key, value: value) { throw .invalidOption(key: key, message: refusal) }
            // `import-from` is an instruction to create, never part of a stored disk.
            if VMOptions.family(key) == "drive", value.split(separator: ",").contains(where: { $0.hasPrefix("import-from=") }) {
                throw .invalidOption(key: key, message: "'import-from' is only valid when the disk is created")
            }
            // Proxmox starts such a VM without the I/O thread (a warning); Faro refuses it.
            if key.hasPrefix("scsi"), key != "scsihw", value.split(separator: ",").contains("iothread=1"),
                config["scsihw"] != "virtio-scsi-single"
            {
                throw .invalidOption(key: key, message: "iothread is only valid with virtio disk or virtio-scsi-single controller")
            }
        }
    }
}
