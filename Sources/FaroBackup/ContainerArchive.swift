import FaroSupport

/// Proxmox's container backup: a tar whose first members are `./etc/vzdump/pct.conf` and
/// `./etc/vzdump/pct.fw`, then the root file system from `./` and each included mount point,
/// owners stored numerically as the container sees them (facts §2.5). These build the tar
/// command lines; `ArchiveFile` streams them through the compressor.
public enum ContainerArchive {
    public static let configMember = "./etc/vzdump/pct.conf"
    public static let firewallMember = "./etc/vzdump/pct.fw"

    /// The flags Proxmox gives tar both ways: one file system, permissions, sparse files,
    /// numeric owners, ACLs and the `user.*` and capability xattrs.
    public static let commonFlags = [
        "--one-file-system", "-p", "--sparse", "--numeric-owner", "--acls", "--xattrs",
        "--xattrs-include=user.*", "--xattrs-include=security.capability",
        "--warning=no-file-ignored", "--warning=no-xattr-write",
    ]

    /// Excluded unless `stdexcludes` is off.
    public static let standardExcludes = ["/tmp/?*", "/var/tmp/?*", "/var/run/?*.pid"]

    /// `tar` writing the archive to standard output. `workDirectory` holds `etc/vzdump/pct.conf`
    /// and `pct.fw`; `rootDirectory` is the container's file system with the included mount
    /// points mounted at `mountPaths` (e.g. `/mnt/data`). `userNamespace` is the id map for an
    /// unprivileged container (tar then runs inside it, so owners come out as the container's
    /// own ids); empty for a privileged one.
    public static func create(
        workDirectory: String, rootDirectory: String, mountPaths: [String], excludes: [String], unprivileged: Bool,
        userNamespace: [String]
    ) -> Command {
        var tar = ["tar", "cpf", "-", "--totals"] + commonFlags + ["--one-file-system", "--warning=no-file-ignored"]
        tar += ["--directory=" + workDirectory, configMember, firewallMember, "--directory=" + rootDirectory]
        let unanchored = excludes.filter { !$0.hasPrefix("/") } + (unprivileged ? ["lost+found"] : [])
        let anchored = excludes.filter { $0.hasPrefix("/") }
        if !unanchored.isEmpty { tar += ["--no-anchored"] + unanchored.map { "--exclude=" + $0 } }
        if !anchored.isEmpty { tar += ["--anchored"] + anchored.map { "--exclude=." + $0 } }
        tar += ["./"] + mountPaths.map { "." + $0 }
        return wrapped(tar, userNamespace: userNamespace)
    }

    /// `tar` unpacking the archive from standard input into `rootDirectory`, leaving out
    /// `/dev` and never replacing what is there; inside `userNamespace`.
    public static func extract(rootDirectory: String, userNamespace: [String]) -> Command {
        let tar = ["tar", "xpf", "-", "--totals"] + commonFlags + [
            "-C", rootDirectory, "--skip-old-files", "--anchored", "--exclude", "./dev/*",
        ]
        return wrapped(tar, userNamespace: userNamespace)
    }

    /// `tar` printing `pct.conf` from the archive on standard input, stopping after it.
    public static func readConfig() -> Command {
        Command("tar", ["-xOf", "-", "--occurrence=1", configMember])
    }

    /// `lxc-usernsexec`'s `-m` map for Proxmox's default unprivileged range (0 → 100000,
    /// 65536 ids), or every id onto itself.
    public static func userNamespace(unprivileged: Bool, base: Int = 100_000, count: Int = 65536) -> [String] {
        guard unprivileged else { return ["-m", "b:0:0:4294967295"] }
        return ["-m", "u:0:\(base):\(count)", "-m", "g:0:\(base):\(count)"]
    }

    private static func wrapped(_ tar: [String], userNamespace: [String]) -> Command {
        guard !userNamespace.isEmpty else { return Command(tar[0], Array(tar.dropFirst())) }
        return Command("lxc-usernsexec", userNamespace + ["--"] + tar)
    }
}
