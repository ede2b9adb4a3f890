"""proxmoxer (PyPI) against a real faro daemon: password login, ticket renewal, API tokens."""
import json

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException, AuthenticationError


def make_user(daemon, userid, password):
    result = daemon.cli("pveum", "user", "add", userid, "--password", password)
    assert result.returncode == 0, result.stderr


def test_password_login_and_calls(daemon):
    make_user(daemon, "alice@pve", "correct horse")
    assert daemon.cli("pveum", "acl", "modify", "/", "--users", "alice@pve", "--roles", "PVEAuditor").returncode == 0
    prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user="alice@pve", password="correct horse", verify_ssl=False)
    assert prox.version.get()["release"] == "8.4"
    nodes = prox.nodes.get()
    assert [node["node"] for node in nodes] == ["pytest"]
    assert isinstance(prox.cluster.nextid.get(), str)
    status = prox.nodes("pytest").status.get()
    assert status["memory"]["total"] > 0


def test_wrong_password_is_refused(daemon):
    make_user(daemon, "bob@pve", "right password")
    with pytest.raises(AuthenticationError):
        ProxmoxAPI("127.0.0.1", port=daemon.port, user="bob@pve", password="wrong password", verify_ssl=False)
    with pytest.raises(AuthenticationError):
        ProxmoxAPI("127.0.0.1", port=daemon.port, user="nobody@pve", password="right password", verify_ssl=False)


def test_ticket_renewal(daemon):
    make_user(daemon, "carol@pve", "renew me please")
    prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user="carol@pve", password="renew me please", verify_ssl=False)
    backend = prox._store["session"].auth
    old_ticket = backend.pve_auth_ticket
    # What proxmoxer does after an hour: post the current ticket as the password.
    renewed = prox.access.ticket.post(username="carol@pve", password=old_ticket)
    assert renewed["username"] == "carol@pve"
    assert renewed["ticket"].startswith("PVE:carol@pve:")
    assert prox.version.get()["version"]


def test_api_token(daemon):
    make_user(daemon, "dave@pve", "token owner")
    assert daemon.cli("pveum", "acl", "modify", "/nodes", "--users", "dave@pve", "--roles", "PVEAuditor").returncode == 0
    created = daemon.cli("pveum", "user", "token", "add", "dave@pve", "ci", "--privsep", "0", "--output-format", "json")
    assert created.returncode == 0, created.stderr
    secret = json.loads(created.stdout)["value"]
    prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user="dave@pve", token_name="ci", token_value=secret, verify_ssl=False)
    assert prox.nodes("pytest").status.get()["uptime"] > 0
    with pytest.raises(ResourceException) as failure:
        prox.cluster.status.get()  # needs Sys.Audit on /, which dave lacks
    assert failure.value.status_code == 403
    bad = ProxmoxAPI("127.0.0.1", port=daemon.port, user="dave@pve", token_name="ci",
                     token_value="00000000-0000-0000-0000-000000000000", verify_ssl=False)
    with pytest.raises(ResourceException) as failure:
        bad.version.get()
    assert failure.value.status_code == 401


def test_pam_realm_with_a_system_user(daemon):
    """A system account logs in through PAM once it exists in user.cfg."""
    import secrets, subprocess
    name = "farotest" + secrets.token_hex(3)
    password = "pam-" + secrets.token_hex(8)
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
        with pytest.raises(AuthenticationError):  # not in user.cfg yet
            ProxmoxAPI("127.0.0.1", port=daemon.port, user=f"{name}@pam", password=password, verify_ssl=False)
        assert daemon.cli("pveum", "user", "add", f"{name}@pam").returncode == 0
        prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user=f"{name}@pam", password=password, verify_ssl=False)
        assert prox.version.get()["release"] == "8.4"
        with pytest.raises(AuthenticationError):
            ProxmoxAPI("127.0.0.1", port=daemon.port, user=f"{name}@pam", password="wrong", verify_ssl=False)
    finally:
        subprocess.run(["userdel", name], check=False)
