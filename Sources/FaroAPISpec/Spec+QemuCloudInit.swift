import FaroSchema

extension APISpec {
    static var qemuCloudInitMethods: [APIMethod] {
        let vmOnly = Schema.object(vmParameters)
        return [
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/cloudinit", name: "cloudinit_pending",
                description: "The cloud-init options with the values the current image was made from and, where the config "
                    + "differs, the value a new image would get.",
                parameters: vmOnly,
                returns: .array(of: Schema.object([
                    "key": .string("Configuration option name."),
                    "value": Common.field(.string(), "Value as it was used to generate the current cloudinit image."),
                    "pending": Common.field(.string(), "The new pending value."),
                    "delete": Common.field(.integer(minimum: 0, maximum: 1), "Indicates a pending delete request if present and not 0."),
                ])),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/qemu/{vmid}/cloudinit", name: "cloudinit_update",
                description: "Writes the cloud-init drive anew from the current config (also done at every start).",
                parameters: vmOnly, returns: .null,
                permissions: .check(.privileges(path: vmidPath, ["VM.Config.Cloudinit"])), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/cloudinit/dump", name: "cloudinit_generated_config_dump",
                description: "The generated cloud-init file of a type, as the drive would get it now.",
                parameters: Schema.object(vmParameters.merging([
                    "type": Schema.enumeration(["user", "network", "meta"], "Config type.")
                ]) { _, new in new }),
                returns: .string("The file's contents."),
                permissions: .check(.privileges(path: vmidPath, ["VM.Audit"])), proxyTo: "node"
            ),
        ]
    }
}
