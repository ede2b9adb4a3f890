"""vzdump on a real daemon: a VM stopped and running (TCG, snapshot and suspend mode) backed up
into VMA archives whose disk matches the source byte for byte (read back with a small VMA
reader written here from the format description), the log, notes, protection and pruning
beside the archives, extractconfig, refused parameters, and the vzdump CLI."""
import glob, os, shutil, struct, subprocess, time

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException
from proxmoxer.tools import Tasks


def admin(daemon):
    daemon.pveum(["user", "add", "backup@pve", "--password", "backup secret"],
                 ["acl", "modify", "/", "--users", "backup@pve", "--roles", "Administrator"])
    return ProxmoxAPI("127.0.0.1", port=daemon.port, user="backup@pve", password="backup secret", verify_ssl=False)


def wait(prox, upid, timeout=120):
    return Tasks.blocking_status(prox, upid, timeout=timeout, polling_interval=0.2)["exitstatus"]


def log_of(prox, upid):
    return [line["t"] for line in prox.nodes("pytest").tasks(upid).log.get(limit=1000)]


def vma_disks(path):
    """Decompresses a .vma.zst and rebuilds each disk (a third reader, for the Python side)."""
    data = subprocess.run(["zstd", "-q", "-d", "-c", path], capture_output=True, check=True).stdout
    assert data[:4] == b"VMA\0"
    header_size, = struct.unpack(">I", data[56:60])
    blob_offset, = struct.unpack(">I", data[48:52])
    def blob(pointer):
        start = blob_offset + pointer
        length = data[start] | data[start + 1] << 8
        return data[start + 2:start + 2 + length]
    config = blob(struct.unpack(">I", data[3068:3072])[0]).decode()
    disks = {}
    for dev in range(1, 256):
        size, = struct.unpack(">Q", data[4096 + 32 * dev + 8:4096 + 32 * dev + 16])
        if size:
            name = blob(struct.unpack(">I", data[4096 + 32 * dev:4096 + 32 * dev + 4])[0])[:-1].decode()
            disks[dev] = (name, bytearray(size))
    position = header_size
    while position < len(data):
        assert data[position:position + 4] == b"VMAE"
        count, = struct.unpack(">H", data[position + 6:position + 8])
        block = position + 512
        for slot in range(59):
            info, = struct.unpack(">Q", data[position + 40 + 8 * slot:position + 48 + 8 * slot])
            dev, mask, cluster = info >> 32 & 0xFF, info >> 48, info & 0xFFFFFFFF
            if not dev:
                continue
            for j in range(16):
                if mask >> j & 1:
                    offset = cluster * 65536 + j * 4096
                    disk = disks[dev][1]
                    end = min(offset + 4096, len(disk))
                    disk[offset:end] = data[block:block + end - offset]
                    block += 4096
        assert block == position + 512 + count * 4096
        position = block
    return config, {name: bytes(disk) for name, disk in disks.values()}


def test_vm_backup_stopped_and_running(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    assert wait(prox, node.qemu.post(vmid=300, name="bkvm", memory=128, kvm=0, scsi0="local:1", vga="none")) == "OK"
    image = os.path.join(daemon.root, "var/lib/vz/images/300/vm-300-disk-0.raw")
    subprocess.run(["qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 1M", "-c", "write -P 0x17 700M 64k", image],
                   check=True, capture_output=True)
    source = open(image, "rb").read()
    dump = os.path.join(daemon.root, "var/lib/vz/dump")

    upid = node.vzdump.post(vmid=300, storage="local", compress="zstd", mode="snapshot", **{"notes-template": "{{guestname}} on {{node}}"})
    assert wait(prox, upid) == "OK", log_of(prox, upid)
    log = log_of(prox, upid)
    assert log[0] == "INFO: starting new backup job: vzdump 300 --compress zstd --mode snapshot --notes-template {{guestname}} on {{node}} --storage local"
    assert "INFO: Starting Backup of VM 300 (qemu)" in log
    assert "INFO: status = stopped" in log and "INFO: backup mode: stop" in log
    assert "INFO: include disk 'scsi0' 'local:300/vm-300-disk-0.raw' 1G" in log
    assert any(line.startswith("INFO: backup is sparse: ") for line in log)
    assert log[-2:] == ["INFO: Backup job finished successfully", "TASK OK"]
    first = glob.glob(dump + "/vzdump-qemu-300-*.vma.zst")
    assert len(first) == 1
    config, disks = vma_disks(first[0])
    assert disks == {"drive-scsi0": source}
    assert "name: bkvm\n" in config and config.endswith("#qmdump#map:scsi0:drive-scsi0:local:raw:\n")
    assert open(first[0] + ".notes").read() == "bkvm on pytest"
    assert os.path.exists(first[0][:-len(".vma.zst")] + ".log")
    assert "lock" not in node.qemu(300).config.get()
    volid = "local:backup/" + os.path.basename(first[0])
    assert node.vzdump.extractconfig.get(volume=volid) == config

    # Restore: the disk comes back byte for byte under a new VMID, with a new volume id.
    upid = node.qemu.post(vmid=400, archive=volid, storage="local", unique=1)
    assert wait(prox, upid) == "OK", log_of(prox, upid)
    restored = node.qemu(400).config.get()
    assert restored["scsi0"] == "local:400/vm-400-disk-0.raw,size=1G" and restored["name"] == "bkvm"
    assert open(os.path.join(daemon.root, "var/lib/vz/images/400/vm-400-disk-0.raw"), "rb").read() == source
    with pytest.raises(ResourceException) as refused:
        node.qemu.post(vmid=400, archive=volid)
    assert "already exists" in str(refused.value)
    # A truncated archive fails the restore and leaves no config and no volume behind.
    broken = os.path.join(dump, "vzdump-qemu-401-2020_01_01-00_00_00.vma.zst")
    data = open(first[0], "rb").read()
    open(broken, "wb").write(data[:len(data) // 2])
    upid = node.qemu.post(vmid=401, archive="local:backup/" + os.path.basename(broken))
    assert wait(prox, upid) != "OK"
    assert 401 not in [vm["vmid"] for vm in node.qemu.get()]
    assert not os.listdir(os.path.join(daemon.root, "var/lib/vz/images/401")) if os.path.exists(os.path.join(daemon.root, "var/lib/vz/images/401")) else True
    os.remove(broken)
    result = daemon.cli("qmrestore", volid, "402")
    assert result.returncode == 0, result.stderr + result.stdout
    assert open(os.path.join(daemon.root, "var/lib/vz/images/402/vm-402-disk-0.raw"), "rb").read() == source

    # Running under TCG: snapshot mode reads a point-in-time view while the guest goes on.
    assert wait(prox, node.qemu(300).status.start.post()) == "OK"
    time.sleep(1.1)  # a new archive name (the time is in it)
    upid = node.vzdump.post(vmid=300, compress="zstd", mode="snapshot", protected=1, remove=1, **{"prune-backups": "keep-last=1"})
    assert wait(prox, upid) == "OK", log_of(prox, upid)
    log = log_of(prox, upid)
    assert "INFO: status = running" in log and "INFO: backup mode: snapshot" in log and "INFO: marking backup as protected" in log
    # A protected backup does not count toward keep-last: the older one stays the "last".
    assert "INFO: pruned 0 backup(s)" in log
    assert node.qemu(300).status.current.get()["qmpstatus"] == "running"
    second = [path for path in glob.glob(dump + "/vzdump-qemu-300-*.vma.zst") if path != first[0]]
    assert len(second) == 1 and os.path.exists(second[0] + ".protected")
    assert vma_disks(second[0])[1] == {"drive-scsi0": source}

    time.sleep(1.1)
    upid = node.vzdump.post(vmid=300, mode="suspend", **{"prune-backups": "keep-last=1"})
    assert wait(prox, upid) == "OK", log_of(prox, upid)
    log = log_of(prox, upid)
    assert "INFO: suspending guest" in log and "INFO: resuming VM again" in log
    assert "INFO: pruned 1 backup(s) not covered by keep-retention policy" in log
    assert node.qemu(300).status.current.get()["qmpstatus"] == "running"
    assert glob.glob(dump + "/vzdump-qemu-300-*.vma.zst") == second, "the protected one stays"
    assert not os.path.exists(first[0][:-len(".vma.zst")] + ".log"), "pruning takes the log along"
    assert len(glob.glob(dump + "/vzdump-qemu-300-*.vma")) == 1
    assert wait(prox, node.qemu(300).status.stop.post()) == "OK"
    assert not glob.glob(dump + "/*.tmp") and not glob.glob(dump + "/*.dat")


def test_vzdump_refuses_bad_parameters(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    for params, name in [({"vmid": "300", "all": 1}, "vmid"), ({}, "vmid"), ({"vmid": "300", "notes-template": "{{nope}}"}, "notes-template"),
                         ({"vmid": "300", "prune-backups": "keep-most=1"}, "prune-backups"), ({"vmid": "300", "bwlimit": 100}, "bwlimit")]:
        with pytest.raises(ResourceException) as refused:
            node.vzdump.post(**params)
        assert refused.value.status_code == 400 and name in str(refused.value), (params, str(refused.value))
    with pytest.raises(ResourceException) as refused:
        node.vzdump.post(vmid=300, dumpdir="/tmp")
    assert refused.value.status_code == 403 and "root@pam only: dumpdir" in str(refused.value)
    upid = node.vzdump.post(vmid=999)
    assert wait(prox, upid) == "job errors"
    assert "ERROR: Backup of VM 999 failed - unable to find configuration file for VM 999 on node 'pytest'" in log_of(prox, upid)


def test_vzdump_cli(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    assert wait(prox, node.qemu.post(vmid=301, memory=128, kvm=0, scsi0="local:1", vga="none")) == "OK"
    result = daemon.cli("vzdump", "301", "--compress", "gzip", "--storage", "local")
    assert result.returncode == 0, result.stderr
    assert "INFO: Backup job finished successfully" in result.stdout
    assert len(glob.glob(os.path.join(daemon.root, "var/lib/vz/dump/vzdump-qemu-301-*.vma.gz"))) == 1
    # No backup job covers the VM (prometheus-pve-exporter reads vmid and type).
    assert prox.cluster("backup-info").get() == [{"subdir": "not-backed-up"}]
    assert prox.cluster("backup-info")("not-backed-up").get() == [{"vmid": 301, "type": "qemu"}]


def tar_members(path):
    return subprocess.run(["tar", "--zstd", "-tvf", path, "--numeric-owner"], capture_output=True, text=True, check=True).stdout.splitlines()


@pytest.mark.skipif(os.getuid() != 0 or not shutil.which("lxc-start"), reason="real containers need root and lxc")
def test_container_backup_stopped_and_suspended(daemon):
    from test_lxc import build_template
    from test_storage import root_token
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
    prox = root_token(daemon, "bk")
    node = prox.nodes("pytest")
    assert wait(prox, node.lxc.post(vmid=310, ostemplate="local:vztmpl/bbox_1.0_amd64.tar.gz", rootfs="local:0",
                                    hostname="bkbox", memory=96, unprivileged=1)) == "OK"
    dump = os.path.join(daemon.root, "var/lib/vz/dump")
    try:
        upid = node.vzdump.post(vmid=310, compress="zstd")
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        log = log_of(prox, upid)
        assert "INFO: CT Name: bkbox" in log and "INFO: including mount point rootfs ('/') in backup" in log
        assert "INFO: backup mode: stop" in log
        archives = glob.glob(dump + "/vzdump-lxc-310-*.tar.zst")
        assert len(archives) == 1
        members = tar_members(archives[0])
        assert members[0].endswith(" ./etc/vzdump/pct.conf") and members[1].endswith(" ./etc/vzdump/pct.fw")
        assert any(" 0/0 " in line and line.endswith(" ./bin/busybox") for line in members), "owners as the CT sees them"
        config = node.vzdump.extractconfig.get(volume="local:backup/" + os.path.basename(archives[0]))
        assert "hostname: bkbox\n" in config and "lock" not in config
        assert "lock" not in node.lxc(310).config.get()

        # Restore as a new container: same files, owners and modes; the archive's config.
        upid = node.lxc.post(vmid=311, ostemplate="local:backup/" + os.path.basename(archives[0]), restore=1, storage="local")
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        restored = node.lxc(311).config.get()
        assert restored["hostname"] == "bkbox" and restored["unprivileged"] == 1
        assert restored["rootfs"].startswith("local:311/subvol-311-disk-0.subvol")
        def tree(vmid):
            base = glob.glob(os.path.join(daemon.root, "var/lib/vz/images/%d/subvol-%d-disk-0*" % (vmid, vmid)))[0]
            entries = {}
            for directory, dirs, files in os.walk(base):
                for name in dirs + files:
                    info = os.lstat(os.path.join(directory, name))
                    entries[os.path.relpath(os.path.join(directory, name), base)] = (info.st_mode, info.st_uid, info.st_gid, info.st_size)
            return entries
        original, copy = tree(310), tree(311)
        # pct.conf and pct.fw are removed after the restore; their directory stays (as in Proxmox).
        assert copy.pop("etc/vzdump")[1:3] == (100000, 100000)
        assert copy == original, set(copy.items()) ^ set(original.items())
        assert daemon.cli("pct", "restore", "312", "local:backup/" + os.path.basename(archives[0])).returncode == 0
        assert node.lxc(312).config.get()["hostname"] == "bkbox"
        # A broken archive leaves no container behind.
        broken = os.path.join(dump, "vzdump-lxc-313-2020_01_01-00_00_00.tar.zst")
        data = open(archives[0], "rb").read()
        open(broken, "wb").write(data[:len(data) // 2])
        upid = node.lxc.post(vmid=313, ostemplate="local:backup/" + os.path.basename(broken), restore=1)
        assert wait(prox, upid) != "OK"
        assert 313 not in [ct["vmid"] for ct in node.lxc.get()]
        assert not glob.glob(os.path.join(daemon.root, "var/lib/vz/images/313/*"))
        os.remove(broken)

        assert wait(prox, node.lxc(310).status.start.post()) == "OK"
        time.sleep(1.1)
        upid = node.vzdump.post(vmid=310, compress="zstd", mode="snapshot")
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        log = log_of(prox, upid)
        assert "INFO: trying 'suspend' mode instead" in log and "INFO: backup mode: suspend" in log
        assert node.lxc(310).status.current.get()["status"] == "running"
        newest = sorted(glob.glob(dump + "/vzdump-lxc-310-*.tar.zst"))[-1]
        assert any(line.endswith(" ./bin/busybox") and " 0/0 " in line for line in tar_members(newest))
    finally:
        subprocess.run(["lxc-stop", "-P", os.path.join(daemon.root, "var/lib/faro/lxc"), "-n", "310", "--kill"], capture_output=True)


def test_backup_jobs_crud_and_a_scheduled_run(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    assert wait(prox, node.qemu.post(vmid=320, memory=128, kvm=0, scsi0="local:1", vga="none")) == "OK"
    assert wait(prox, node.qemu.post(vmid=321, memory=128, kvm=0, scsi0="local:1,backup=0", vga="none")) == "OK"
    backup = prox.cluster.backup
    with pytest.raises(ResourceException) as refused:
        backup.post(id="bad", schedule="mon 0 0 0", vmid="320")
    assert "invalid calendar event 'mon 0 0 0'" in str(refused.value)
    with pytest.raises(ResourceException) as refused:
        backup.post(id="bad", schedule="daily")
    assert "vmid" in str(refused.value)
    backup.post(id="legacy", starttime="02:30", dow="sat", vmid="321", storage="local", enabled=0, comment="old style")
    with pytest.raises(ResourceException) as refused:
        backup.post(id="legacy", schedule="daily", all=1)
    assert "Job 'legacy' already exists" in str(refused.value)
    job = backup("legacy").get()
    assert job["schedule"] == "sat 02:30" and job["enabled"] == 0 and job["vmid"] == "321" and job["comment"] == "old style"
    backup("legacy").put(all=1, exclude="999", delete="comment")
    job = backup("legacy").get()
    assert job.get("vmid") is None and job["all"] == 1 and job["exclude"] == "999" and "comment" not in job
    included = backup("legacy").included_volumes.get()["children"]
    vm321 = [guest for guest in included if guest["id"] == 321][0]
    assert vm321["children"] == [{"id": "321:scsi0", "name": "local:321/vm-321-disk-0.raw", "included": 0, "reason": "backup=no", "leaf": 1}]
    # Every guest is covered by the (disabled) job.
    assert prox.cluster("backup-info")("not-backed-up").get() == []
    backup("legacy").delete()
    with pytest.raises(ResourceException) as refused:
        backup("legacy").get()
    assert "No such job 'legacy'" in str(refused.value)

    # A job due every minute runs on its own and prunes an older backup of the guest.
    assert wait(prox, node.vzdump.post(vmid=320, storage="local")) == "OK"
    dump = os.path.join(daemon.root, "var/lib/vz/dump")
    older = glob.glob(dump + "/vzdump-qemu-320-*.vma")
    assert len(older) == 1
    backup.post(id="every-minute", schedule="*", vmid="320", storage="local", compress="zstd", **{"prune-backups": "keep-last=1"})
    listed = backup.get()
    assert [job["id"] for job in listed] == ["every-minute"]
    assert listed[0]["prune-backups"] == {"keep-last": 1} and listed[0]["next-run"] <= time.time() + 61
    deadline = time.time() + 150
    while time.time() < deadline and not glob.glob(dump + "/vzdump-qemu-320-*.vma.zst"):
        time.sleep(1)
    assert glob.glob(dump + "/vzdump-qemu-320-*.vma.zst"), "the job did not run"
    tasks = [task for task in node.tasks.get(typefilter="vzdump", limit=50) if task["user"] == "root@pam"]
    assert tasks, "the scheduled run is root's vzdump task"
    deadline = time.time() + 60
    while time.time() < deadline and glob.glob(dump + "/vzdump-qemu-320-*.vma"):
        time.sleep(1)
    assert not glob.glob(dump + "/vzdump-qemu-320-*.vma"), "the older backup was pruned"
    backup("every-minute").delete()


def test_vm_stop_mode_and_restore_with_force(daemon):
    """Stop mode as Proxmox runs it (QEMU again in prelaunch, resumed once the backup view is set
    up, so the guest is back before the copy ends), then restores over the existing VM."""
    prox = admin(daemon)
    node = prox.nodes("pytest")
    vmid = 3240
    assert wait(prox, node.qemu.post(vmid=vmid, name="stopvm", memory=128, kvm=0, scsi0="local:1", scsi1="local:1", vga="none")) == "OK"
    images = os.path.join(daemon.root, "var/lib/vz/images/%d" % vmid)
    image = os.path.join(images, "vm-%d-disk-0.raw" % vmid)
    subprocess.run(["qemu-io", "-f", "raw", "-c", "write -P 0x33 0 2M", "-c", "write -P 0x44 900M 64k", image], check=True, capture_output=True)
    source = open(image, "rb").read()
    dump = os.path.join(daemon.root, "var/lib/vz/dump")
    try:
        assert wait(prox, node.qemu(vmid).status.start.post()) == "OK"
        # The guest has no OS to answer ACPI: stopwait=0 stops it at once.
        upid = node.vzdump.post(vmid=vmid, mode="stop", stopwait=0, compress="zstd", storage="local")
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        log = log_of(prox, upid)
        for line in ["INFO: backup mode: stop", "INFO: stopping virtual guest", "INFO: starting kvm to execute backup task", "INFO: resuming VM again"]:
            assert line in log, (line, log)
        online = [i for i, line in enumerate(log) if line.startswith("INFO: guest is online again after ")]
        copied = [i for i, line in enumerate(log) if line.startswith("INFO: transferred ")]
        assert online and copied and online[0] < copied[0], "the guest runs again before the copy ends"
        assert node.qemu(vmid).status.current.get()["qmpstatus"] == "running"
        archive = glob.glob(dump + "/vzdump-qemu-%d-*.vma.zst" % vmid)
        assert len(archive) == 1
        config, disks = vma_disks(archive[0])
        assert disks["drive-scsi0"] == source and disks["drive-scsi1"] == bytes(1 << 30)
        volid = "local:backup/" + os.path.basename(archive[0])

        # force over the existing VM: refused while it runs, while protected, and without force.
        with pytest.raises(ResourceException) as refused:
            node.qemu.post(vmid=vmid, archive=volid)
        assert "already exists" in str(refused.value)
        with pytest.raises(ResourceException) as refused:
            node.qemu.post(vmid=vmid, archive=volid, force=1)
        assert "unable to restore VM %d - vm is running" % vmid in str(refused.value)
        assert wait(prox, node.qemu(vmid).status.stop.post()) == "OK"
        node.qemu(vmid).config.put(protection=1)
        with pytest.raises(ResourceException) as refused:
            node.qemu.post(vmid=vmid, archive=volid, force=1)
        assert "unable to restore VM %d - protection mode enabled" % vmid in str(refused.value)
        node.qemu(vmid).config.put(protection=0, memory=256)
        assert "lock" not in node.qemu(vmid).config.get()

        # A restore that fails leaves the old VM as it was, its disks included.
        broken = os.path.join(dump, "vzdump-qemu-%d-2020_01_01-00_00_00.vma.zst" % vmid)
        data = open(archive[0], "rb").read()
        open(broken, "wb").write(data[:len(data) // 2])
        before = node.qemu(vmid).config.get()
        upid = node.qemu.post(vmid=vmid, archive="local:backup/" + os.path.basename(broken), force=1)
        assert wait(prox, upid) != "OK"
        after = node.qemu(vmid).config.get()
        assert {k: v for k, v in after.items() if k != "digest"} == {k: v for k, v in before.items() if k != "digest"}
        assert sorted(os.listdir(images)) == ["vm-%d-disk-0.raw" % vmid, "vm-%d-disk-1.raw" % vmid]
        os.remove(broken)

        # The VM gets a disk the backup does not know; the restore keeps it as unused0 and frees
        # the disks it restores only after it succeeded. pool and start are honoured.
        node.qemu(vmid).config.put(scsi2="local:1")
        prox.pools.post(poolid="restored")
        upid = node.qemu.post(vmid=vmid, archive=volid, force=1, pool="restored", start=1)
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        restore_log = log_of(prox, upid)
        assert "removing old volume 'local:%d/vm-%d-disk-0.raw'" % (vmid, vmid) in restore_log
        config = node.qemu(vmid).config.get()
        assert str(config["memory"]) == "128" and config["name"] == "stopvm"
        assert config["unused0"] == "local:%d/vm-%d-disk-2.raw" % (vmid, vmid)
        kept = {config["scsi0"].split(",")[0], config["scsi1"].split(",")[0], config["unused0"]}
        assert sorted(os.listdir(images)) == sorted(v.split("/")[-1] for v in kept) and len(kept) == 3
        restored = os.path.join(images, config["scsi0"].split(",")[0].split("/")[-1])
        assert open(restored, "rb").read() == source
        assert node.qemu(vmid).status.current.get()["qmpstatus"] == "running"
        assert [m["vmid"] for m in prox.pools("restored").get()["members"]] == [vmid]
    finally:
        try:
            wait(prox, node.qemu(vmid).status.stop.post())
        except Exception:
            pass


def test_vzdump_defaults_from_vzdump_conf(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    defaults = node.vzdump.defaults.get()
    assert defaults["storage"] == "local" and defaults["mode"] == "snapshot" and defaults["compress"] == "0"
    assert defaults["dumpdir"] == os.path.join(daemon.root, "var/lib/vz/dump") and defaults["remove"] == 1
    conf = os.path.join(daemon.root, "etc/vzdump.conf")
    os.makedirs(os.path.dirname(conf), exist_ok=True)
    open(conf, "w").write("# node defaults\n\ncompress: gzip\nmode: stop\nprune-backups: keep-last=1\n")
    try:
        defaults = node.vzdump.defaults.get()
        assert defaults["compress"] == "gzip" and defaults["mode"] == "stop"
        # The storage's retention comes before the node's (local has keep-all=1).
        assert defaults["prune-backups"] == "keep-all=1"
        vmid = 3241
        assert wait(prox, node.qemu.post(vmid=vmid, memory=128, kvm=0, scsi0="local:1", vga="none")) == "OK"
        dump = os.path.join(daemon.root, "var/lib/vz/dump")
        upid = node.vzdump.post(vmid=vmid)
        assert wait(prox, upid) == "OK", log_of(prox, upid)
        time.sleep(1.1)
        log = log_of(prox, upid)
        assert log[0] == "INFO: starting new backup job: vzdump %d" % vmid, "the log shows the call, not the defaults"
        assert len(glob.glob(dump + "/vzdump-qemu-%d-*.vma.gz" % vmid)) == 1
        # The call's own option wins over the file.
        assert wait(prox, node.vzdump.post(vmid=vmid, compress="zstd", remove=0)) == "OK"
        assert len(glob.glob(dump + "/vzdump-qemu-%d-*.vma.zst" % vmid)) == 1
        open(conf, "w").write("compress: fast\n")
        with pytest.raises(ResourceException) as refused:
            node.vzdump.post(vmid=vmid)
        assert "vzdump.conf: compress" in str(refused.value)
        with pytest.raises(ResourceException) as refused:
            node.vzdump.defaults.get()
        assert "vzdump.conf: compress" in str(refused.value)
    finally:
        os.remove(conf)
