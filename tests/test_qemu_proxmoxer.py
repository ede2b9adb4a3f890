"""proxmoxer (PyPI) managing a VM on a real faro daemon: create, start, status, shutdown with
forceStop falling back to stop, start again, stop, delete, waiting on tasks like Ansible does."""
import os, signal

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
        assert wait(prox, node.qemu(300).status.stop.post()) == "OK"

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
