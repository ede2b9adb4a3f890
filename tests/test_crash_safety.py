"""The daemon killed with SIGKILL: writes it acknowledged are kept and every config parses;
guests it ran are found again by the next daemon and can be stopped; its tasks end as failed
with a reason, never left running."""
import os, random, shutil, signal, subprocess, tempfile, threading, time

import pytest
import requests

from conftest import Daemon
from test_lxc import build_template, missing as container_tools_missing
from test_storage import root_token, wait_task

WRITERS = 6
ROUNDS = 3


def kill_hard(daemon):
    daemon.process.send_signal(signal.SIGKILL)
    daemon.process.wait(timeout=30)


class Session:
    """A ticket and CSRF token of root@pam's token-less twin: an Administrator of `pve`."""

    def __init__(self, daemon):
        self.base = daemon.url + "/api2/json"
        reply = requests.post(self.base + "/access/ticket", verify=False,
                              data={"username": "crash@pve", "password": "crash-test-password"}, timeout=10)
        reply.raise_for_status()
        data = reply.json()["data"]
        self.cookies = {"PVEAuthCookie": data["ticket"]}
        self.headers = {"CSRFPreventionToken": data["CSRFPreventionToken"]}

    def put(self, path, **data):
        return requests.put(self.base + path, data=data, cookies=self.cookies, headers=self.headers, verify=False, timeout=10)

    def post(self, path, **data):
        return requests.post(self.base + path, data=data, cookies=self.cookies, headers=self.headers, verify=False, timeout=10)

    def get(self, path, **params):
        return requests.get(self.base + path, params=params, cookies=self.cookies, verify=False, timeout=10)


def writer_targets():
    """Each writer owns one object and one field: (path to PUT, field, path to read back)."""
    targets = []
    for index in range(WRITERS):
        kind = index % 3
        if kind == 0:
            targets.append((f"/nodes/pytest/qemu/{810 + index}/config", "description", f"/nodes/pytest/qemu/{810 + index}/config"))
        elif kind == 1:
            targets.append((f"/access/users/writer{index}@pve", "comment", f"/access/users/writer{index}@pve"))
        else:
            targets.append((f"/pools/pool{index}", "comment", f"/pools/pool{index}"))
    return targets


def prepare(session):
    for index, (path, _, _) in enumerate(writer_targets()):
        if path.startswith("/nodes/pytest/qemu/"):
            reply = session.post("/nodes/pytest/qemu", vmid=810 + index, name=f"crash{index}", memory=64)
        elif path.startswith("/access/users/"):
            reply = session.post("/access/users", userid=f"writer{index}@pve")
        else:
            reply = session.post("/pools", poolid=f"pool{index}")
        assert reply.status_code == 200, reply.text


def read_value(session, path, field):
    reply = session.get(path)
    assert reply.status_code == 200, f"{path} no longer parses: {reply.status_code} {reply.text}"
    value = reply.json()["data"].get(field)
    return int(value) if value is not None else None


def test_acknowledged_writes_survive_sigkill_and_every_config_parses():
    root = tempfile.mkdtemp(prefix="faro-crash-")
    daemon = Daemon(root)
    try:
        daemon.pveum(["user", "add", "crash@pve", "--password", "crash-test-password"],
                     ["acl", "modify", "/", "--users", "crash@pve", "--roles", "Administrator"])
        session = Session(daemon)
        prepare(session)
        # The VMs are created by tasks; wait until every config is there.
        deadline = time.time() + 30
        while any(session.get(f"/nodes/pytest/qemu/{810 + i}/config").status_code != 200
                  for i in range(0, WRITERS, 3)):
            assert time.time() < deadline, "the VMs were not created"
            time.sleep(0.2)
        targets = writer_targets()
        acknowledged = [0] * WRITERS
        for round in range(ROUNDS):
            in_flight = [None] * WRITERS
            stop = threading.Event()

            def write(index):
                path, field, _ = targets[index]
                value = acknowledged[index]
                while not stop.is_set():
                    value += 1
                    in_flight[index] = value
                    try:
                        reply = session.put(path, **{field: str(value)})
                    except requests.RequestException:
                        return
                    if reply.status_code != 200:
                        return
                    acknowledged[index] = value

            threads = [threading.Thread(target=write, args=(index,)) for index in range(WRITERS)]
            for thread in threads:
                thread.start()
            time.sleep(random.uniform(0.8, 2.0))
            kill_hard(daemon)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert sum(acknowledged) > 0, "some writes were acknowledged before the kill"

            daemon = Daemon(root)
            session = Session(daemon)
            for index, (_, field, read_path) in enumerate(targets):
                value = read_value(session, read_path, field)
                # The write in flight at the kill may or may not have landed; nothing older may show.
                assert value in (acknowledged[index], in_flight[index]), \
                    f"round {round}: {read_path} {field} is {value}, acknowledged {acknowledged[index]}"
                acknowledged[index] = value or 0
            for path in ("/nodes/pytest/qemu", "/access/users", "/pools", "/cluster/options", "/storage"):
                reply = session.get(path)
                assert reply.status_code == 200, f"{path}: {reply.status_code} {reply.text}"
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def process_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


@pytest.mark.skipif(container_tools_missing() is not None, reason=f"real containers need {container_tools_missing()}")
def test_guests_are_readopted_and_the_task_fails_with_a_reason_after_sigkill():
    root = tempfile.mkdtemp(prefix="faro-crash-")
    os.chmod(root, 0o755)
    daemon = Daemon(root)
    vm, ct = 873, 874
    pids = []
    try:
        cache = os.path.join(root, "var/lib/vz/template/cache")
        os.makedirs(cache, exist_ok=True)
        build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"))
        prox = root_token(daemon, "crash")
        node = prox.nodes("pytest")
        assert wait_task(prox, node.qemu.post(vmid=vm, memory=64, kvm=0, vga="none", scsi0="local:1"))["exitstatus"] == "OK"
        assert wait_task(prox, node.lxc.post(vmid=ct, ostemplate="local:vztmpl/bbox_1.0_amd64.tar.gz", rootfs="local:0",
                                             hostname="crashbox", ostype="alpine", memory=64, unprivileged=1))["exitstatus"] == "OK"
        assert wait_task(prox, node.qemu(vm).status.start.post(), timeout=60)["exitstatus"] == "OK"
        assert wait_task(prox, node.lxc(ct).status.start.post(), timeout=60)["exitstatus"] == "OK"
        pids = [node.qemu(vm).status.current.get()["pid"], node.lxc(ct).status.current.get()["pid"]]
        # No OS answers the ACPI button: the shutdown task runs until its timeout.
        shutdown = node.qemu(vm).status.shutdown.post(timeout=600)
        time.sleep(1)
        assert node.tasks(shutdown).status.get()["status"] == "running"

        kill_hard(daemon)
        for pid in pids:
            assert process_state(pid) not in (None, "Z"), "the guests outlive the daemon"

        daemon = Daemon(root)
        prox = root_token(daemon, "crash2")
        node = prox.nodes("pytest")
        status = node.tasks(shutdown).status.get()
        assert status["status"] == "stopped"
        assert status["exitstatus"] != "OK" and "daemon" in status["exitstatus"], status
        assert shutdown not in [task["upid"] for task in node.tasks.get(source="active") if task.get("status") is None]

        current = node.qemu(vm).status.current.get()
        assert current["status"] == "running" and current["qmpstatus"] == "running" and current["pid"] == pids[0]
        current = node.lxc(ct).status.current.get()
        assert current["status"] == "running" and current["pid"] == pids[1]
        assert wait_task(prox, node.qemu(vm).status.stop.post(), timeout=60)["exitstatus"] == "OK"
        assert wait_task(prox, node.lxc(ct).status.stop.post(), timeout=60)["exitstatus"] == "OK"
        assert node.qemu(vm).status.current.get()["status"] == "stopped"
        assert node.lxc(ct).status.current.get()["status"] == "stopped"
        assert wait_task(prox, node.qemu(vm).delete(purge=1))["exitstatus"] == "OK"
        assert wait_task(prox, node.lxc(ct).delete())["exitstatus"] == "OK"
    finally:
        for pid in pids:
            if process_state(pid) not in (None, "Z"):
                os.kill(pid, signal.SIGKILL)
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)
