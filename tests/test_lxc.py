"""Containers through proxmoxer and pct against a real daemon: a busybox template built here,
create, start, a command inside with `pct exec`, stop, delete."""
import json, os, shutil, subprocess, tarfile, tempfile, time

import pytest
from proxmoxer import ProxmoxAPI

from conftest import Daemon
from test_storage import root_token, wait_task


def missing():
    if os.getuid() != 0:
        return "root"
    for tool in ("lxc-start", "lxc-attach", "busybox"):
        if shutil.which(tool) is None:
            return tool
    return None


def build_template(path, inittab=""):
    """A busybox rootfs as a .tar.gz vztmpl; `inittab` adds lines to its /etc/inittab."""
    staging = tempfile.mkdtemp(prefix="faro-bbox-")
    try:
        for directory in ("bin", "sbin", "etc/init.d", "etc/network", "proc", "sys", "dev", "tmp", "root", "run"):
            os.makedirs(os.path.join(staging, directory))
        shutil.copy(shutil.which("busybox"), os.path.join(staging, "bin/busybox"))
        for applet in ("sh", "hostname", "cat", "sleep", "mount", "id", "chown", "chmod"):
            os.symlink("busybox", os.path.join(staging, "bin", applet))
        os.symlink("../bin/busybox", os.path.join(staging, "sbin/init"))
        files = {
            "etc/inittab": "::sysinit:/etc/init.d/rcS\n::respawn:/bin/sleep 86400\n" + inittab,
            "etc/init.d/rcS": "#!/bin/sh\nmount -t proc proc /proc\n",
            "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        }
        for name, text in files.items():
            with open(os.path.join(staging, name), "w") as handle:
                handle.write(text)
        os.chmod(os.path.join(staging, "etc/init.d/rcS"), 0o755)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(staging, arcname=".")
    finally:
        shutil.rmtree(staging)


@pytest.mark.skipif(missing() is not None, reason=f"real containers need {missing()}")
def test_container_lifecycle(daemon):
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
    prox = root_token(daemon, "lxc")
    node = prox.nodes("pytest")
    upid = node.lxc.post(vmid=300, ostemplate="local:vztmpl/bbox_1.0_amd64.tar.gz", rootfs="local:0",
                         hostname="pybox", ostype="alpine", memory=96, unprivileged=1)
    assert wait_task(prox, upid)["exitstatus"] == "OK"
    assert [ct["vmid"] for ct in node.lxc.get()] == [300]
    assert node.lxc(300).config.get()["hostname"] == "pybox"

    assert wait_task(prox, node.lxc(300).status.start.post())["exitstatus"] == "OK"
    assert node.lxc(300).status.current.get()["status"] == "running"
    inside = daemon.cli("pct", "exec", "300", "--", "/bin/hostname")
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout == "pybox\n"
    status = daemon.cli("pct", "status", "300")
    assert status.stdout == "status: running\n"

    # The container outlives its daemon; a new daemon on the same root finds it running.
    pid = node.lxc(300).status.current.get()["pid"]
    daemon.stop()
    restarted = Daemon(daemon.root)
    try:
        prox = root_token(restarted, "lxc2")
        node = prox.nodes("pytest")
        current = node.lxc(300).status.current.get()
        assert current["status"] == "running"
        assert current["pid"] == pid
        assert wait_task(prox, node.lxc(300).status.stop.post())["exitstatus"] == "OK"
        assert node.lxc(300).status.current.get()["status"] == "stopped"
        assert wait_task(prox, node.lxc(300).delete())["exitstatus"] == "OK"
        assert node.lxc.get() == []
    finally:
        subprocess.run(["lxc-stop", "-P", os.path.join(daemon.root, "var/lib/faro/lxc"), "-n", "300", "--kill"],
                       capture_output=True)
        restarted.stop()


@pytest.mark.skipif(missing() is not None, reason=f"real containers need {missing()}")
def test_pct_lifecycle_commands(daemon):
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
    created = daemon.cli("pct", "create", "301", "local:vztmpl/bbox_1.0_amd64.tar.gz", "--rootfs", "local:0",
                         "--hostname", "clibox", "--ostype", "alpine")
    assert created.returncode == 0, created.stderr
    try:
        assert daemon.cli("pct", "set", "301", "--memory", "200", "--tags", "cli").returncode == 0
        config = daemon.cli("pct", "config", "301")
        assert "memory: 200\n" in config.stdout and "hostname: clibox\n" in config.stdout
        assert "digest" not in config.stdout
        assert daemon.cli("pct", "start", "301").returncode == 0
        assert daemon.cli("pct", "status", "301").stdout == "status: running\n"
        listing = daemon.cli("pct", "list")
        assert "301" in listing.stdout and "running" in listing.stdout, listing.stdout
        assert daemon.cli("pct", "shutdown", "301", "--timeout", "20").returncode == 0
        assert daemon.cli("pct", "status", "301").stdout == "status: stopped\n"
        assert daemon.cli("pct", "destroy", "301").returncode == 0
        assert daemon.cli("pct", "list").stdout.count("301") == 0
    finally:
        subprocess.run(["lxc-stop", "-P", os.path.join(daemon.root, "var/lib/faro/lxc"), "-n", "301", "--kill"],
                       capture_output=True)


def test_pct_list_and_a_missing_container(daemon):
    store = daemon.cli("pct", "list")
    assert store.returncode == 0, store.stderr
    missing_ct = daemon.cli("pct", "config", "999")
    assert missing_ct.returncode != 0
    assert "does not exist" in missing_ct.stderr


@pytest.mark.skipif(missing() is not None, reason=f"real containers need {missing()}")
def test_changes_files_snapshots_and_clones(daemon, tmp_path):
    """proxmoxer changes memory live and queues a host name; pct copies files in and out,
    clones, converts to a template, and a dir storage refuses snapshots by name."""
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
    prox = root_token(daemon, "lxc3")
    node = prox.nodes("pytest")
    lxcpath = os.path.join(daemon.root, "var/lib/faro/lxc")
    try:
        upid = node.lxc.post(vmid=302, ostemplate="local:vztmpl/bbox_1.0_amd64.tar.gz", rootfs="local:0",
                             hostname="first", ostype="alpine", memory=96, start=1)
        assert wait_task(prox, upid)["exitstatus"] == "OK"
        node.lxc(302).config.put(memory=160, hostname="second")
        assert node.lxc(302).status.current.get()["maxmem"] == 160 << 20
        pending = {entry["key"]: entry for entry in node.lxc(302).pending.get()}
        assert pending["hostname"]["pending"] == "second" and pending["hostname"]["value"] == "first"
        assert "second" in daemon.cli("pct", "pending", "302").stdout

        local = tmp_path / "note.txt"
        local.write_text("hello from the host\n")
        pushed = daemon.cli("pct", "push", "302", str(local), "/root/note.txt", "--perms", "600", "--user", "7")
        assert pushed.returncode == 0, pushed.stderr
        inside = os.path.join(daemon.root, "var/lib/vz/images/302/subvol-302-disk-0.subvol/root/note.txt")
        info = os.stat(inside)
        assert (info.st_mode & 0o777, info.st_uid) == (0o600, 7)
        back = tmp_path / "back.txt"
        pulled = daemon.cli("pct", "pull", "302", "/root/note.txt", str(back), "--perms", "640")
        assert pulled.returncode == 0, pulled.stderr
        assert back.read_text() == "hello from the host\n" and os.stat(back).st_mode & 0o777 == 0o640

        refused = daemon.cli("pct", "snapshot", "302", "first")
        assert refused.returncode != 0 and "snapshot feature is not available" in refused.stderr, refused.stderr
        assert daemon.cli("pct", "listsnapshot", "302").stdout.count("current") == 1

        assert daemon.cli("pct", "reboot", "302", "--timeout", "5").returncode == 0
        assert daemon.cli("pct", "exec", "302", "--", "/bin/hostname").stdout == "second\n"
        assert daemon.cli("pct", "stop", "302").returncode == 0
        cloned = daemon.cli("pct", "clone", "302", "303", "--hostname", "copy")
        assert cloned.returncode == 0, cloned.stderr
        assert node.lxc(303).config.get()["hostname"] == "copy"
        assert daemon.cli("pct", "template", "303").returncode == 0
        assert node.lxc(303).config.get()["template"] == 1
        assert wait_task(prox, node.lxc(303).status.start.post())["exitstatus"] != "OK"
        for vmid in (302, 303):
            assert daemon.cli("pct", "destroy", str(vmid)).returncode == 0
        assert node.lxc.get() == []
    finally:
        for vmid in ("302", "303"):
            subprocess.run(["lxc-stop", "-P", lxcpath, "-n", vmid, "--kill"], capture_output=True)
            subprocess.run(["umount", os.path.join(lxcpath, vmid, "rootfs")], capture_output=True)


def is_mounted(path):
    """Bind mounts too, which os.path.ismount misses on the same file system."""
    return subprocess.run(["mountpoint", "-q", path]).returncode == 0


@pytest.mark.skipif(missing() is not None, reason=f"real containers need {missing()}")
def test_pct_mount_unmount_and_move_volume_to_another_container(daemon):
    """pct mount puts the rootfs and its mount points on the host under the lxc path with
    lock 'mounted'; pct unmount takes them away; pct move-volume --target-vmid hands a mount
    point to another container."""
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
    lxcpath = os.path.join(daemon.root, "var/lib/faro/lxc")
    rootfs = os.path.join(lxcpath, "304", "rootfs")
    try:
        for vmid, extra in (("304", ["--mp0", "local:0,mp=/srv/data"]), ("305", [])):
            created = daemon.cli("pct", "create", vmid, "local:vztmpl/bbox_1.0_amd64.tar.gz", "--rootfs", "local:0",
                                 "--ostype", "alpine", *extra)
            assert created.returncode == 0, created.stderr
        mounted = daemon.cli("pct", "mount", "304")
        assert mounted.returncode == 0, mounted.stderr
        assert mounted.stdout == f"mounted CT 304 in '{rootfs}'\n"
        assert is_mounted(rootfs) and is_mounted(os.path.join(rootfs, "srv/data"))
        with open(os.path.join(rootfs, "srv/data/note"), "w") as handle:
            handle.write("from the host\n")
        assert "lock: mounted\n" in daemon.cli("pct", "config", "304").stdout
        again = daemon.cli("pct", "mount", "304")
        assert again.returncode != 0 and "CT 304 is locked (mounted)" in again.stderr
        assert daemon.cli("pct", "unmount", "304").returncode == 0
        assert not is_mounted(rootfs)
        assert "lock" not in daemon.cli("pct", "config", "304").stdout

        refused = daemon.cli("pct", "move-volume", "304", "rootfs", "--target-vmid", "305")
        assert refused.returncode != 0 and "Cannot move to/from 'rootfs'" in refused.stderr, refused.stderr
        moved = daemon.cli("pct", "move-volume", "304", "mp0", "--target-vmid", "305", "--target-volume", "mp2")
        assert moved.returncode == 0, moved.stderr
        assert "mp0" not in daemon.cli("pct", "config", "304").stdout
        assert "mp2: local:305/subvol-305-disk-1.subvol,mp=/srv/data\n" in daemon.cli("pct", "config", "305").stdout
        note = os.path.join(daemon.root, "var/lib/vz/images/305/subvol-305-disk-1.subvol/note")
        assert open(note).read() == "from the host\n"
        for vmid in ("304", "305"):
            assert daemon.cli("pct", "destroy", vmid).returncode == 0
    finally:
        for vmid in ("304", "305"):
            subprocess.run(["umount", "-R", os.path.join(lxcpath, vmid, "rootfs")], capture_output=True)
