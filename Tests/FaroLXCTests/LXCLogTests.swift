@testable import FaroLXC
import Testing

@Suite struct LXCLogTests {
    @Test func theFirstErrorLineIsTheReason() {
        let log = """
            lxc-start 200 20261202221057.284 WARN     cgfsng - ../src/lxc/cgroups/cgfsng.c:fchowmodat:1619 - No such file or directory
            lxc-start 200 20261202221057.284 ERROR    start - ../src/lxc/start.c:lxc_spawn:1836 - Could not access /srv/x. Please grant it x access, or add an ACL for the container root
            lxc-start 200 20261202221057.285 ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:306 - The container failed to start

            """
        #expect(LXCLog.firstError(Substring(log)) == "Could not access /srv/x. Please grant it x access, or add an ACL for the container root")
        #expect(LXCLog.firstError("lxc-start 1 2 ERROR    confile - ../src/lxc/confile.c:add_cap_entry:2471 - Invalid argument - Invalid capability specified")
            == "Invalid argument - Invalid capability specified")
        #expect(LXCLog.firstError("lxc-start 1 2 WARN    x - y - z\n") == nil)
    }
}

@Suite struct BlockIOCounterTests {
    @Test func cgroupV1ServiceBytesAreSummedOverDevices() {
        let text = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 100\n8:16 Read 1\n8:16 Write 2\nTotal 12291\n"
        #expect(ContainerManager.blkioServiceBytes(text) == (4097, 8194))
        #expect(ContainerManager.blkioServiceBytes("Total 0\n") == (0, 0))
    }

    @Test func cgroupV2IOStatIsSummedOverDevices() {
        let text = "8:0 rbytes=1000 wbytes=2000 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=5 wbytes=7 rios=1 wios=1\n"
        #expect(ContainerManager.ioStat(text) == (1005, 2007))
    }
}
