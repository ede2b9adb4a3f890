import FaroModel
import FaroQemu
import Testing

/// The cloud-init files a config gives (issue 21 part 3).
@Suite struct CloudInitDataTests {
    static let config = """
        name: web1
        net0: virtio=BC:24:11:00:00:01,bridge=vmbr0
        net1: virtio=BC:24:11:00:00:02,bridge=vmbr0
        ciuser: admin
        cipassword: $6$salt$hash
        sshkeys: ssh-ed25519%20AAAAC3Nz%20me%40host%0Assh-rsa%20AAAAB3%20other
        ipconfig0: ip=192.0.2.10/24,gw=192.0.2.1,ip6=2001:db8::10/64,gw6=2001:db8::1
        ipconfig1: ip6=auto
        nameserver: 192.0.2.53 2001:db8::53
        searchdomain: example.com

        """

    @Test func noCloudUserDataNetworkAndInstanceID() throws {
        let data = try CloudInitData.build(try VMConfig(parsing: Self.config), vmid: VMID(100)!)
        #expect(data.format == .nocloud && data.label == "cidata")
        #expect(data.userData == """
            #cloud-config
            hostname: web1
            manage_etc_hosts: true
            fqdn: web1.example.com
            user: 'admin'
            password: '$6$salt$hash'
            ssh_authorized_keys:
              - 'ssh-ed25519 AAAAC3Nz me@host'
              - 'ssh-rsa AAAAB3 other'
            chpasswd:
              expire: False
            users:
              - default
            package_upgrade: true

            """)
        #expect(data.networkConfig == """
            version: 1
            config:
                - type: physical
                  name: eth0
                  mac_address: 'bc:24:11:00:00:01'
                  subnets:
                  - type: static
                    address: '192.0.2.10'
                    netmask: '255.255.255.0'
                    gateway: '192.0.2.1'
                  - type: static6
                    address: '2001:db8::10/64'
                    gateway: '2001:db8::1'
                - type: physical
                  name: eth1
                  mac_address: 'bc:24:11:00:00:02'
                  subnets:
                  - type: ipv6_slaac
                - type: nameserver
                  address:
                  - '192.0.2.53'
                  - '2001:db8::53'
                  search:
                  - 'example.com'

            """)
        #expect(data.metaData.hasPrefix("instance-id: ") && data.metaData.count == "instance-id: ".count + 41)
        #expect(data.files.map(\.path) == ["meta-data", "user-data", "network-config"])
    }

    @Test func aChangeGivesANewInstanceID() throws {
        let first = try CloudInitData.build(try VMConfig(parsing: Self.config), vmid: VMID(100)!)
        let second = try CloudInitData.build(try VMConfig(parsing: Self.config + "ciupgrade: 0\n"), vmid: VMID(100)!)
        #expect(first.metaData != second.metaData)
        #expect(!second.userData.contains("package_upgrade"))
    }

    @Test func aNICWithoutIPConfigUsesDHCP() throws {
        let data = try CloudInitData.build(try VMConfig(parsing: "net0: e1000=BC:24:11:00:00:09,bridge=vmbr0\n"), vmid: VMID(101)!)
        #expect(data.networkConfig.contains("  - type: dhcp4"))
        #expect(data.userData.contains("hostname: VM101"))
    }

    @Test func windowsGuestsGetAConfigDrive() throws {
        let data = try CloudInitData.build(try VMConfig(parsing: Self.config + "ostype: win11\n"), vmid: VMID(100)!)
        #expect(data.format == .configdrive2 && data.label == "config-2")
        #expect(data.files.map(\.path) == ["openstack/latest/meta_data.json", "openstack/latest/user_data", "openstack/content/0000"])
        #expect(data.networkConfig.contains("iface eth0 inet static\n        address 192.0.2.10\n        netmask 255.255.255.0"))
        #expect(data.metaData.contains("\"network_config\":{\"content_path\":\"/content/0000\"}"))
    }

    @Test func aValueCannotAddYAMLKeys() throws {
        let data = try CloudInitData.build(try VMConfig(parsing: "ciuser: x' \n"), vmid: VMID(100)!)
        #expect(data.userData.contains("user: 'x'' '\n"))
    }

    @Test func snippetsReplaceTheGeneratedFiles() throws {
        let config = try VMConfig(parsing: Self.config + "cicustom: user=local:snippets/u.yaml\n")
        let data = try CloudInitData.build(config, vmid: VMID(100)!) { volume in volume == "local:snippets/u.yaml" ? "#cloud-config\nruncmd: []\n" : "" }
        #expect(data.userData == "#cloud-config\nruncmd: []\n")
        #expect(data.networkConfig.hasPrefix("version: 1"))
    }
}
