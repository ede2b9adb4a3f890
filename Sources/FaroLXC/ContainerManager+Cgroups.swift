import FaroModel
import FaroSupport
import Glibc

extension ContainerManager {
    /// Removes the empty cgroups an earlier run of `vmid` left behind.
    ///
    /// The lxc config names the container's cgroups exactly (`lxc.monitor/<vmid>`, `lxc/<vmid>`),
    /// so lxc does not pick another name when one exists: a monitor cgroup left over in a single
    /// hierarchy (a crashed monitor, a start killed half-way) makes every later start of that
    /// VMID fail with "Failed to create monitor cgroup". Called before a start, with the CT's
    /// lock held and the CT known to be stopped. Only empty cgroups go: the kernel refuses to
    /// remove one that still holds a process or a child, so a running process is never touched.
    func removeLeftoverCgroups(_ vmid: VMID) {
        let hierarchies: [String] = host.cgroupVersion == 2
            ? [cgroupRoot]
            : FileIO.listDirectory(cgroupRoot).map { "\(cgroupRoot)/\($0)" }.filter { FileIO.isDirectory($0) }
        for hierarchy in hierarchies {
            for name in ["lxc.monitor/\(vmid)", "lxc/\(vmid)"] {
                removeEmptyCgroupTree("\(hierarchy)/\(name)")
            }
        }
    }

    /// Children first; a cgroup directory's control files are not files to delete, rmdir takes
    /// the directory with them once no process and no child cgroup is left.
    private func removeEmptyCgroupTree(_ path: String) {
        guard FileIO.isDirectory(path) else { return }
        for child in FileIO.listDirectory(path) where FileIO.isDirectory("\(path)/\(child)") {
            removeEmptyCgroupTree("\(path)/\(child)")
        }
        rmdir(path)
    }
}
