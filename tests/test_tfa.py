"""Two-factor login against a real faro daemon: TOTP (codes from Debian's oathtool), recovery
keys, the half ticket, locking and unlocking, the realm requirement, proxmoxer's TOTP login."""
import json, os, shutil, subprocess, time, urllib.parse

import pytest
import requests
from proxmoxer import ProxmoxAPI
from proxmoxer.core import AuthenticationError

pytestmark = pytest.mark.skipif(shutil.which("oathtool") is None, reason="needs oathtool (scripts/install-deps.sh)")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPJBSWY3DP"
URI = f"otpauth://totp/Faro:user?secret={SECRET}&issuer=Faro"


def code(offset_steps=0):
    when = int(time.time()) + 30 * offset_steps
    return subprocess.run(["oathtool", "--totp", "-b", "-N", f"@{when}", SECRET],
                          capture_output=True, text=True, check=True).stdout.strip()


def post_ticket(daemon, **data):
    return requests.post(f"{daemon.url}/api2/json/access/ticket", data=data, verify=False)


class Session:
    """A logged-in user calling the API with its ticket and CSRF token."""
    def __init__(self, daemon, answer):
        self.daemon, self.ticket, self.csrf = daemon, answer["ticket"], answer["CSRFPreventionToken"]

    def call(self, method, path, **data):
        return requests.request(method, f"{self.daemon.url}/api2/json{path}", data=data, verify=False,
                                cookies={"PVEAuthCookie": self.ticket}, headers={"CSRFPreventionToken": self.csrf})


def login(daemon, user, password):
    response = post_ticket(daemon, username=user, password=password)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def add_totp(daemon, user, password):
    session = Session(daemon, login(daemon, user, password))
    missing = session.call("POST", f"/access/tfa/{user}", type="totp", totp=URI, value=code(), description="phone")
    assert missing.status_code == 400 and "password" in missing.json()["errors"]
    wrong = session.call("POST", f"/access/tfa/{user}", type="totp", totp=URI, value="000000", description="phone", password=password)
    assert wrong.status_code == 400 and wrong.json()["errors"]["value"] == "failed to verify TOTP challenge"
    added = session.call("POST", f"/access/tfa/{user}", type="totp", totp=URI, value=code(), description="phone", password=password)
    assert added.status_code == 200, added.text
    return session, added.json()["data"]["id"]


def test_totp_login_in_two_steps(daemon):
    daemon.pveum(["user", "add", "alice@pve", "--password", "alice-password"])
    _, entry = add_totp(daemon, "alice@pve", "alice-password")
    first = login(daemon, "alice@pve", "alice-password")
    assert first["NeedTFA"] == 1 and "cap" not in first
    assert first["ticket"].startswith("PVE:!tfa!")
    challenge = json.loads(urllib.parse.unquote(first["ticket"].split(":")[1][len("!tfa!"):]))
    assert challenge == {"totp": True}
    # The half ticket opens nothing but the second step.
    half = Session(daemon, first)
    assert half.call("GET", "/version").status_code == 401
    assert half.call("GET", "/access/tfa/alice@pve").status_code == 401
    assert post_ticket(daemon, username="alice@pve", password=first["ticket"]).status_code == 401, "no renewal"
    assert post_ticket(daemon, username="bob@pve", **{"tfa-challenge": first["ticket"]}, password=f"totp:{code(1)}").status_code == 401
    assert post_ticket(daemon, username="alice@pve", **{"tfa-challenge": first["ticket"]}, password="totp:000000").status_code == 401
    # The code that confirmed the key is spent; the next step's code is within the window.
    full = post_ticket(daemon, username="alice@pve", **{"tfa-challenge": first["ticket"]}, password=f"totp:{code(1)}")
    assert full.status_code == 200, full.text
    data = full.json()["data"]
    assert data["ticket"].startswith("PVE:alice@pve:") and "cap" in data and "NeedTFA" not in data
    assert Session(daemon, data).call("GET", "/version").status_code == 200
    again = post_ticket(daemon, username="alice@pve", **{"tfa-challenge": first["ticket"]}, password=f"totp:{code(1)}")
    assert again.status_code == 401, "a code counts once"
    listed = Session(daemon, data).call("GET", "/access/tfa/alice@pve").json()["data"]
    assert [(e["id"], e["type"], e["description"]) for e in listed] == [(entry, "totp", "phone")]
    assert SECRET not in json.dumps(listed)
    assert "x" == json.loads(daemon.cli("pvesh", "get", "/access/users/alice@pve", "--output-format", "json").stdout)["keys"]
    # Deleting the user deletes their factors: a new alice@pve starts without any.
    daemon.pveum(["user", "delete", "alice@pve"], ["user", "add", "alice@pve", "--password", "alice-password"])
    assert "NeedTFA" not in login(daemon, "alice@pve", "alice-password")


def test_recovery_keys_lock_and_unlock(daemon):
    daemon.pveum(["user", "add", "dora@pve", "--password", "dora-password"])
    session, _ = add_totp(daemon, "dora@pve", "dora-password")
    made = session.call("POST", "/access/tfa/dora@pve", type="recovery", password="dora-password").json()["data"]
    keys = made["recovery"]
    assert len(keys) == 10 and made["id"] == "recovery"
    again = session.call("POST", "/access/tfa/dora@pve", type="recovery", password="dora-password")
    assert again.status_code == 500 and "already has recovery keys" in again.json()["message"]
    listed = session.call("GET", "/access/tfa/dora@pve").json()["data"]
    assert not any(key in json.dumps(listed) for key in keys), "keys are shown once"
    first = login(daemon, "dora@pve", "dora-password")
    assert json.loads(urllib.parse.unquote(first["ticket"].split(":")[1][5:]))["recovery"] == list(range(10))
    for _ in range(8):
        assert post_ticket(daemon, username="dora@pve", **{"tfa-challenge": first["ticket"]}, password="totp:000000").status_code == 401
    locked = json.loads(daemon.cli("pvesh", "get", "/access/tfa", "--output-format", "json").stdout)
    assert [u for u in locked if u["userid"] == "dora@pve"][0]["totp-locked"] == 1
    assert post_ticket(daemon, username="dora@pve", **{"tfa-challenge": first["ticket"]}, password=f"totp:{code(1)}").status_code == 401
    # A recovery key logs in (once) and lifts the TOTP lock.
    ok = post_ticket(daemon, username="dora@pve", **{"tfa-challenge": first["ticket"]}, password=f"recovery:{keys[4]}")
    assert ok.status_code == 200, ok.text
    assert post_ticket(daemon, username="dora@pve", **{"tfa-challenge": first["ticket"]}, password=f"recovery:{keys[4]}").status_code == 401
    second = login(daemon, "dora@pve", "dora-password")
    assert json.loads(urllib.parse.unquote(second["ticket"].split(":")[1][5:])) == {"totp": True, "recovery": [0, 1, 2, 3, 5, 6, 7, 8, 9]}
    # Lock again, then the admin unlocks.
    for _ in range(8):
        post_ticket(daemon, username="dora@pve", **{"tfa-challenge": second["ticket"]}, password="totp:111111")
    assert daemon.cli("pveum", "user", "tfa", "unlock", "dora@pve").returncode == 0
    unlocked = json.loads(daemon.cli("pveum", "user", "tfa", "list", "dora@pve", "--output-format", "json").stdout)
    assert sorted(e["type"] for e in unlocked) == ["recovery", "totp"]
    assert "totp-locked" not in [u for u in json.loads(daemon.cli("pvesh", "get", "/access/tfa", "--output-format", "json").stdout)
                                 if u["userid"] == "dora@pve"][0]
    assert post_ticket(daemon, username="dora@pve", **{"tfa-challenge": second["ticket"]}, password=f"totp:{code(1)}").status_code == 200


def test_realm_requirement(daemon):
    daemon.pveum(["user", "add", "carol@pve", "--password", "carol-password"],
                 ["realm", "modify", "pve", "--tfa", "type=oath"])
    assert post_ticket(daemon, username="carol@pve", password="carol-password").status_code == 401
    assert "msg=missing required 2nd keys" in open(os.path.join(daemon.root, "daemon.log")).read()
    bad = daemon.cli("pveum", "realm", "modify", "pve", "--tfa", "type=yubico")
    assert bad.returncode != 0 and "tfa" in bad.stderr


def test_legacy_otp_parameter_and_proxmoxer(daemon):
    daemon.pveum(["user", "add", "erin@pve", "--password", "erin-password"])
    # Without a second factor there is nothing for `otp` to answer: the password logs in.
    plain = post_ticket(daemon, username="erin@pve", password="erin-password", otp="123456")
    assert plain.status_code == 200 and "NeedTFA" not in plain.json()["data"]
    add_totp(daemon, "erin@pve", "erin-password")
    assert post_ticket(daemon, username="erin@pve", password="erin-password", otp="000000").status_code == 401
    # proxmoxer: the first answer says NeedTFA, it posts `totp:<code>` with the half ticket.
    with pytest.raises(AuthenticationError):
        ProxmoxAPI("127.0.0.1", port=daemon.port, user="erin@pve", password="erin-password", otp="000000", verify_ssl=False)
    prox = ProxmoxAPI("127.0.0.1", port=daemon.port, user="erin@pve", password="erin-password", otp=code(1), verify_ssl=False)
    assert prox.version.get()["release"]
    # The legacy one-step form (Terraform providers send `otp` with the password).
    daemon.pveum(["user", "add", "fred@pve", "--password", "fred-password"])
    add_totp(daemon, "fred@pve", "fred-password")
    one_step = post_ticket(daemon, username="fred@pve", password="fred-password", otp=code(1))
    assert one_step.status_code == 200, one_step.text
    assert one_step.json()["data"]["ticket"].startswith("PVE:fred@pve:") and "NeedTFA" not in one_step.json()["data"]
