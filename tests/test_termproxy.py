"""Terminal consoles through the API, as Proxmox's xterm.js client speaks to them: termproxy
prepares a ticket and a task, vncwebsocket upgrades, the first line `USER:TICKET` is
answered with OK, then `0:LEN:DATA` is typed into a real busybox container's tty (or a shell
inside it) and its answer comes back; the node's shell is refused to other realms and
prompts a non-root PAM identity to log in."""
import json, os, shutil, ssl, subprocess, time, urllib.parse

import pytest
import websocket
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

from test_lxc import build_template, missing
from test_storage import wait_task

VMID = 330


def token(daemon, name):
    """A root@pam API token: its client and the Authorization header for the websocket."""
    created = daemon.cli("pveum", "user", "token", "add", "root@pam", name, "--privsep", "0", "--output-format", "json")
    assert created.returncode == 0, created.stderr
    secret = json.loads(created.stdout)["value"]
    prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user="root@pam", token_name=name, token_value=secret, verify_ssl=False)
    return prox, f"Authorization: PVEAPIToken=root@pam!{name}={secret}"


OPEN = []


@pytest.fixture(autouse=True)
def close_sockets(daemon):
    """A failed test must not leave a console connected: the daemon would wait for it."""
    yield
    while OPEN:
        OPEN.pop().close()


def connect(daemon, path, proxy, header):
    query = urllib.parse.urlencode({"port": proxy["port"], "vncticket": proxy["ticket"]})
    socket = websocket.create_connection(
        f"wss://127.0.0.1:{daemon.port}/api2/json/nodes/pytest/{path}vncwebsocket?{query}", header=[header],
        subprotocols=["binary"], sslopt={"cert_reqs": ssl.CERT_NONE}, timeout=15)
    OPEN.append(socket)
    return socket


def read_until(socket, needle, timeout=20):
    """What the terminal printed until `needle` appeared."""
    seen = b""
    deadline = time.time() + timeout
    while needle.encode() not in seen:
        assert time.time() < deadline, f"{needle!r} did not appear in {seen!r}"
        try:
            seen += socket.recv()
        except websocket.WebSocketTimeoutException:
            raise AssertionError(f"{needle!r} did not appear in {seen!r}")
    return seen.decode(errors="replace")


def until_closed(socket, timeout=15):
    """Everything the server sends until it closes the websocket."""
    seen = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            frame = socket.recv()
            if not frame:
                return seen
            seen += frame if isinstance(frame, bytes) else frame.encode()
    except websocket.WebSocketConnectionClosedException:
        return seen
    raise AssertionError(f"the server did not close the websocket: {seen!r}")


def typed(text):
    data = text.encode()
    return f"0:{len(data)}:".encode() + data


def open_terminal(daemon, prox, header, path, api):
    proxy = api.termproxy.post()
    socket = connect(daemon, path, proxy, header)
    socket.send_binary(f"{proxy['user']}:{proxy['ticket']}\n".encode())
    assert socket.recv() == b"OK"
    return proxy, socket


@pytest.mark.skipif(missing() is not None, reason=f"real containers need {missing()}")
def test_container_console_over_websocket(daemon):
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    # A shell on the first tty, where `cmode: tty` (the default) attaches.
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"), inittab="tty1::respawn:-/bin/sh\n")
    prox, header = token(daemon, "console")
    node = prox.nodes("pytest")
    lxcpath = os.path.join(daemon.root, "var/lib/faro/lxc")
    try:
        upid = node.lxc.post(vmid=VMID, ostemplate="local:vztmpl/bbox_1.0_amd64.tar.gz", rootfs="local:0",
                             hostname="termbox", ostype="alpine", memory=96)
        assert wait_task(prox, upid)["exitstatus"] == "OK"
        with pytest.raises(ResourceException) as stopped:
            node.lxc(VMID).termproxy.post()
        assert f"CT {VMID} not running" in str(stopped.value)
        assert wait_task(prox, node.lxc(VMID).status.start.post())["exitstatus"] == "OK"

        proxy = node.lxc(VMID).termproxy.post()
        assert proxy["user"] == "root@pam!console" and proxy["ticket"].startswith("PVEVNC:")
        assert 5900 <= proxy["port"] <= 5999
        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(daemon, "", proxy, header)  # the node's route does not open a container's console
        socket = connect(daemon, f"lxc/{VMID}/", proxy, header)
        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(daemon, f"lxc/{VMID}/", proxy, header)  # once only
        # A first line with the wrong user is not answered with OK; the socket closes.
        socket.send_binary(f"someone@pam:{proxy['ticket']}\n".encode())
        assert until_closed(socket) == b""
        assert wait_task(prox, proxy["upid"], timeout=10)["exitstatus"] == "OK"

        proxy, socket = open_terminal(daemon, prox, header, f"lxc/{VMID}/", node.lxc(VMID))
        tasks = node.tasks.get(typefilter="vncproxy", source="active")
        assert [task["upid"] for task in tasks] == [proxy["upid"]]
        # One frame with a resize, a ping and a key, then a command whose answer is computed,
        # so the echo of the typed line does not count.
        socket.send_binary(b"1:100:30:2" + typed("\r"))
        read_until(socket, "# ")
        socket.send_binary(typed("echo tty-$((6*7)) $(busybox stty size)\r"))
        assert "tty-42 30 100" in read_until(socket, "tty-42 30 100")
        socket.close()
        assert wait_task(prox, proxy["upid"], timeout=10)["exitstatus"] == "OK"

        # cmode shell (a change that waits for the next start): a shell inside through
        # lxc-attach; input may arrive split.
        assert wait_task(prox, node.lxc(VMID).status.stop.post())["exitstatus"] == "OK"
        node.lxc(VMID).config.put(cmode="shell")
        assert wait_task(prox, node.lxc(VMID).status.start.post())["exitstatus"] == "OK"
        proxy, socket = open_terminal(daemon, prox, header, f"lxc/{VMID}/", node.lxc(VMID))
        # busybox's line editor asks where the cursor is, as xterm.js would answer.
        read_until(socket, "\x1b[6n")
        socket.send_binary(typed("\x1b[1;5R"))
        time.sleep(0.5)  # keys that come in the same read as the answer are dropped by busybox, as a person types later
        whole = typed("echo shell-$((7*6)) $TERM\r")
        socket.send_binary(whole[:3])
        socket.send_binary(whole[3:])
        assert "shell-42 xterm-256color" in read_until(socket, "shell-42 xterm-256color")
        socket.send_binary(typed("exit\r"))
        until_closed(socket)  # the shell's end ends the console
        assert wait_task(prox, proxy["upid"], timeout=10)["exitstatus"] == "OK"

        assert wait_task(prox, node.lxc(VMID).status.stop.post())["exitstatus"] == "OK"
        assert wait_task(prox, node.lxc(VMID).delete())["exitstatus"] == "OK"
    finally:
        subprocess.run(["lxc-stop", "-P", lxcpath, "-n", str(VMID), "--kill"], capture_output=True)


def test_node_shell_permissions(daemon):
    for args in (["user", "add", "shell@pve", "--password", "shell secret"],
                 ["acl", "modify", "/", "--users", "shell@pve", "--roles", "Administrator"],
                 ["user", "add", "look@pve", "--password", "look secret"],
                 ["acl", "modify", "/", "--users", "look@pve", "--roles", "PVEAuditor"]):
        assert daemon.cli("pveum", *args).returncode == 0
    admin = ProxmoxAPI("127.0.0.1", port=daemon.port, user="shell@pve", password="shell secret", verify_ssl=False)
    with pytest.raises(ResourceException) as refused:
        admin.nodes("pytest").termproxy.post()
    assert refused.value.status_code == 403 and "realm != pam" in str(refused.value)
    auditor = ProxmoxAPI("127.0.0.1", port=daemon.port, user="look@pve", password="look secret", verify_ssl=False)
    with pytest.raises(ResourceException) as denied:
        auditor.nodes("pytest").termproxy.post()
    assert denied.value.status_code == 403 and "Sys.Console" in str(denied.value)


@pytest.mark.skipif(os.getuid() != 0 or shutil.which("login") is None, reason="the node shell needs root and login")
def test_node_shell_of_a_token_asks_to_log_in(daemon):
    """A root@pam token is not root@pam itself: its shell is login's prompt, not root's shell."""
    prox, header = token(daemon, "shell")
    proxy, socket = open_terminal(daemon, prox, header, "", prox.nodes("pytest"))
    assert proxy["user"] == "root@pam!shell"
    assert [task["upid"] for task in prox.nodes("pytest").tasks.get(typefilter="vncshell", source="active")] == [proxy["upid"]]
    assert "login:" in read_until(socket, "login:")
    socket.close()
    assert wait_task(prox, proxy["upid"], timeout=10)["exitstatus"] == "OK"
