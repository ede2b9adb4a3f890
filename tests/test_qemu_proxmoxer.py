"""proxmoxer (PyPI) managing a VM on a real faro daemon: create, start, status, shutdown with
forceStop falling back to stop, start again, stop, delete, waiting on tasks like Ansible does;
and a booted test guest taken through shutdown, snapshot, full and linked clones, and delete."""
import os, signal, socket, subprocess, time

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException
from proxmoxer.tools import Tasks


def admin(daemon):
    assert daemon.cli("pveum", "user", "add", "vmadmin@pve", "--password", "vm admin secret").returncode == 0
    assert daemon.cli("pveum", "acl", "modify", "/", "--users", "vmadmin@pve", "--roles", "Administrator").returncode == 0
    return ProxmoxAPI("127.0.0.1", port=daemon.port, user="vmadmin@pve", password="vm admin secret", verify_ssl=False)


def wait(prox, upid):
    status = Tasks.blocking_status(prox, upid, timeout=60, polling_interval=0.2)
    assert status["status"] == "stopped"
    return status["exitstatus"]


def kill_qemu(root, vmid):
    try:
        os.kill(int(open(os.path.join(root, "run/faro/qemu/%d.pid" % vmid)).read()), signal.SIGKILL)
    except (OSError, ValueError):
        pass


def test_vm_lifecycle(daemon):
    prox = admin(daemon)
    node = prox.nodes("pytest")
    try:
        upid = node.qemu.post(vmid=300, name="pyvm", memory=128, kvm=0, scsi0="local:1", net0="virtio", vga="none")
        assert wait(prox, upid) == "OK"
        vms = node.qemu.get()
        assert [(vm["vmid"], vm["name"], vm["status"]) for vm in vms] == [(300, "pyvm", "stopped")]
        config = node.qemu(300).config.get()
        assert config["scsi0"] == "local:300/vm-300-disk-0.raw,size=1G"
        assert config["net0"].startswith("virtio=BC:24:11:")

        assert wait(prox, node.qemu(300).status.start.post()) == "OK"
        current = node.qemu(300).status.current.get()
        assert current["status"] == "running" and current["qmpstatus"] == "running" and current["pid"] > 0
        # Proxmox's figure: never more than the VM was given, whatever QEMU itself holds.
        assert 0 < current["mem"] <= current["maxmem"] == 128 * 1024 * 1024, current
        assert current["memhost"] > 0
        resources = prox.cluster.resources.get(type="vm")
        assert [(r["id"], r["status"]) for r in resources] == [("qemu/300", "running")]

        # No OS answers the ACPI button here, so only forceStop gets it down.
        assert "got timeout" in wait(prox, node.qemu(300).status.shutdown.post(timeout=1))
        assert node.qemu(300).status.current.get()["status"] == "running"
        assert wait(prox, node.qemu(300).status.shutdown.post(timeout=1, forceStop=1)) == "OK"
        assert node.qemu(300).status.current.get()["status"] == "stopped"

        assert wait(prox, node.qemu(300).status.start.post()) == "OK"
        assert wait(prox, node.qemu(300).status.suspend.post()) == "OK"
        assert node.qemu(300).status.current.get()["qmpstatus"] == "paused"
        assert wait(prox, node.qemu(300).status.resume.post()) == "OK"

        # A shutdown nobody answers would hold the VM for its whole timeout; a stop with
        # overrule-shutdown aborts it first. Another user's shutdown needs Sys.Modify to abort.
        shutdown = node.qemu(300).status.shutdown.post(timeout=600)
        assert daemon.cli("pveum", "user", "add", "operator@pve", "--password", "operator secret").returncode == 0
        assert daemon.cli("pveum", "acl", "modify", "/vms/300", "--users", "operator@pve", "--roles", "PVEVMUser").returncode == 0
        operator = ProxmoxAPI("127.0.0.1", port=daemon.port, user="operator@pve", password="operator secret", verify_ssl=False)
        with pytest.raises(ResourceException) as refused:
            operator.nodes("pytest").qemu(300).status.stop.post(**{"overrule-shutdown": 1})
        assert refused.value.status_code == 403 and "Sys.Modify" in str(refused.value)
        started = time.monotonic()
        stop = node.qemu(300).status.stop.post(**{"overrule-shutdown": 1})
        assert wait(prox, stop) == "OK"
        assert time.monotonic() - started < 30
        assert wait(prox, shutdown) != "OK", "the shutdown was aborted"
        log = "\n".join(line["t"] for line in node.tasks(stop).log.get(limit=50))
        assert "overruled qmshutdown tasks: " + shutdown in log
        assert node.qemu(300).status.current.get()["status"] == "stopped"

        assert wait(prox, node.qemu(300).delete(purge=1)) == "OK"
        with pytest.raises(ResourceException) as failure:
            node.qemu(300).config.get()
        assert failure.value.status_code == 500
        assert "does not exist" in str(failure.value)
    finally:
        kill_qemu(daemon.root, 300)


def test_bad_create_is_refused_with_the_parameter_named(daemon):
    prox = admin(daemon)
    with pytest.raises(ResourceException) as failure:
        prox.nodes("pytest").qemu.post(vmid=301, scsi0="local:1", ide2="local:iso/none.iso,media=cdrom")
    assert failure.value.status_code == 400
    assert "ide2" in failure.value.errors
    assert prox.nodes("pytest").qemu.get() == []


STORE_TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "debug", "faro-store-tool")
READY_MARKER = b"FARO-TEST-GUEST-READY"


def prepared_guest():
    """The kernel and initramfs of FaroTesting's test guest, or a skip naming what is missing."""
    if not os.path.exists("/usr/bin/qemu-system-x86_64"):
        pytest.skip("needs qemu-system-x86_64")
    result = subprocess.run([STORE_TOOL, "test-guest"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.skip("the test guest cannot be prepared: " + result.stderr.strip())
    kernel, initramfs = result.stdout.split()
    return kernel, initramfs


def wait_for_serial(path, marker, timeout=120):
    """Reads the VM's serial0 socket until `marker` shows up (the guest has booted)."""
    deadline = time.time() + timeout
    seen = b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as console:
        console.connect(path)
        console.settimeout(1)
        while time.time() < deadline and marker not in seen:
            try:
                chunk = console.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                break
            seen += chunk
    assert marker in seen, seen[-500:]


def test_booted_guest_shutdown_snapshot_clone_delete(daemon):
    kernel, initramfs = prepared_guest()
    prox = admin(daemon)
    node = prox.nodes("pytest")
    try:
        upid = node.qemu.post(vmid=310, name="pyguest", memory=256, kvm=0, scsi0="local:1,format=qcow2",
                              net0="virtio", serial0="socket", vga="none")
        assert wait(prox, upid) == "OK"
        # args is root-only, so root sets the kernel through qm as an admin would.
        args = "-kernel %s -initrd %s -append 'console=ttyS0 quiet panic=-1'" % (kernel, initramfs)
        assert daemon.cli("qm", "set", "310", "--args", args).returncode == 0

        assert wait(prox, node.qemu(310).status.start.post()) == "OK"
        assert node.qemu(310).status.current.get()["status"] == "running"
        wait_for_serial(os.path.join(daemon.root, "run/faro/qemu/310.serial0"), READY_MARKER)
        assert Tasks.blocking_status(prox, node.qemu(310).status.shutdown.post(timeout=60), timeout=90,
                                     polling_interval=0.2)["exitstatus"] == "OK"
        assert node.qemu(310).status.current.get()["status"] == "stopped"

        assert wait(prox, node.qemu(310).snapshot.post(snapname="booted", description="after one boot")) == "OK"
        assert [s["name"] for s in node.qemu(310).snapshot.get()] == ["booted", "current"]

        assert wait(prox, node.qemu(310).clone.post(newid=311, name="pycopy", full=1)) == "OK"
        source, copy = node.qemu(310).config.get(), node.qemu(311).config.get()
        assert copy["name"] == "pycopy" and copy["scsi0"] == "local:311/vm-311-disk-0.qcow2,size=1G"
        assert copy["net0"] != source["net0"] and copy["smbios1"] != source["smbios1"]
        assert "parent" not in copy and [s["name"] for s in node.qemu(311).snapshot.get()] == ["current"]

        assert wait(prox, node.qemu(311).template.post()) == "OK"
        assert node.qemu(311).config.get()["template"] == 1
        assert wait(prox, node.qemu(311).clone.post(newid=312, name="pylinked")) == "OK"
        assert node.qemu(312).config.get()["scsi0"] == "local:311/base-311-disk-0.qcow2/312/vm-312-disk-0.qcow2,size=1G"

        with pytest.raises(ResourceException) as failure:
            node.qemu(310).clone.post(newid=312)
        assert "already exists" in str(failure.value)

        for vmid in (312, 311, 310):
            assert wait(prox, node.qemu(vmid).delete()) == "OK"
        assert node.qemu.get() == []
        assert os.listdir(os.path.join(daemon.root, "var/lib/vz/images/311")) == []
    finally:
        for vmid in (310, 311, 312):
            kill_qemu(daemon.root, vmid)
