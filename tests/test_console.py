"""The VNC console of a VM through the API: vncproxy prepares a one-time password and a
40-second ticket, vncwebsocket bridges a websocket to QEMU's VNC server (the RFB handshake
comes through), a ticket works once and only for its user, VM and port, and the console task
ends with the connection."""
import os, signal, ssl, urllib.parse

import pytest
import websocket
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException
from proxmoxer.tools import Tasks


def login(daemon, user, password, role):
    assert daemon.cli("pveum", "user", "add", user, "--password", password).returncode == 0
    assert daemon.cli("pveum", "acl", "modify", "/", "--users", user, "--roles", role).returncode == 0
    return ProxmoxAPI("127.0.0.1", port=daemon.port, user=user, password=password, verify_ssl=False)


def wait(prox, upid, timeout=60):
    status = Tasks.blocking_status(prox, upid, timeout=timeout, polling_interval=0.2)
    assert status["status"] == "stopped"
    return status["exitstatus"]


def connect(daemon, prox, vmid, port, ticket):
    query = urllib.parse.urlencode({"port": port, "vncticket": ticket})
    cookie = "PVEAuthCookie=" + urllib.parse.quote(prox.get_tokens()[0], safe="")
    return websocket.create_connection(
        f"wss://127.0.0.1:{daemon.port}/api2/json/nodes/pytest/qemu/{vmid}/vncwebsocket?{query}",
        cookie=cookie, subprotocols=["binary"], sslopt={"cert_reqs": ssl.CERT_NONE}, timeout=10)


def test_vnc_console_over_websocket(daemon):
    admin = login(daemon, "console@pve", "console secret", "Administrator")
    auditor = login(daemon, "viewer@pve", "viewer secret", "PVEAuditor")
    node = admin.nodes("pytest")
    try:
        assert wait(admin, node.qemu.post(vmid=310, name="console", memory=64, kvm=0)) == "OK"
        with pytest.raises(ResourceException) as stopped:
            node.qemu(310).vncproxy.post(websocket=1)
        assert "not running" in str(stopped.value)

        assert wait(admin, node.qemu(310).status.start.post()) == "OK"
        with pytest.raises(ResourceException) as denied:
            auditor.nodes("pytest").qemu(310).vncproxy.post(websocket=1)
        assert denied.value.status_code == 403

        proxy = node.qemu(310).vncproxy.post(websocket=1)
        assert proxy["port"] == 5900 and proxy["user"] == "console@pve"
        assert proxy["ticket"].startswith("PVEVNC:") and len(proxy["password"]) == 8
        assert "BEGIN CERTIFICATE" in proxy["cert"]

        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(daemon, admin, 310, proxy["port"], proxy["ticket"] + "x")
        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(daemon, auditor, 310, proxy["port"], proxy["ticket"])

        socket = connect(daemon, admin, 310, proxy["port"], proxy["ticket"])
        assert socket.subprotocol == "binary"
        assert socket.recv() == b"RFB 003.008\n"
        socket.send_binary(b"RFB 003.008\n")
        security = socket.recv()
        assert security[0] >= 1 and 2 in security[1:], "QEMU offers VNC password authentication"
        socket.send_binary(b"\x02")
        assert len(socket.recv()) == 16, "the 16-byte VNC challenge"

        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(daemon, admin, 310, proxy["port"], proxy["ticket"])
        tasks = node.tasks.get(typefilter="vncproxy", source="active")
        assert [t["upid"] for t in tasks] == [proxy["upid"]]
        socket.close()
        assert wait(admin, proxy["upid"], timeout=10) == "OK"

        assert wait(admin, node.qemu(310).status.stop.post()) == "OK"
        assert wait(admin, node.qemu(310).delete()) == "OK"
    finally:
        try:
            os.kill(int(open(os.path.join(daemon.root, "run/faro/qemu/310.pid")).read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
