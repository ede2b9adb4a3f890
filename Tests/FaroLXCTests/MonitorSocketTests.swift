@testable import FaroLXC
import Testing

@Suite struct MonitorSocketTests {
    @Test func namesAreTheLastColumnSpacesIncluded() {
        let table = """
            Num       RefCount Protocol Flags    Type St Inode Path
            000000001e0960c5: 00000003 00000000 00000000 0001 03  1526
            00000000ce674751: 00000002 00000000 00010000 0001 01 447948 @/var/lib/faro/lxc/990/command
            00000000ce674752: 00000002 00000000 00010000 0001 01 447949 /run/with space/sock
            """
        #expect(ContainerManager.unixSocketNames(table) == ["@/var/lib/faro/lxc/990/command", "/run/with space/sock"])
    }
}
