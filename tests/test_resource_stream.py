"""The live resource stream over real HTTPS: server-sent events, authenticated like any
call, pushing a change within a second and filtered by the caller's permissions."""
import json, time

import pytest
import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def login(daemon, user, password):
    response = requests.post(f"{daemon.url}/api2/json/access/ticket", data={"username": user, "password": password}, verify=False)
    response.raise_for_status()
    return response.json()["data"]["ticket"]


def events(response):
    """Yields (event name, data) for each dispatched event of an event stream."""
    name, data = None, []
    for line in response.iter_lines(decode_unicode=True):
        if line == "":
            if data:
                yield name, json.loads("\n".join(data))
            name, data = None, []
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])


def next_change(stream, wanted):
    """The next event that mentions the id `wanted` (status samples of the node may come between)."""
    for _, change in stream:
        if wanted in [entry["id"] for entry in change["updated"]] + change["removed"]:
            return change
    raise AssertionError(f"the stream ended before {wanted} changed")


def open_stream(daemon, ticket):
    response = requests.get(f"{daemon.url}/api2/json/cluster/resources/stream", cookies={"PVEAuthCookie": ticket},
                            stream=True, verify=False, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return response


def test_stream_requires_a_login(daemon):
    response = requests.get(f"{daemon.url}/api2/json/cluster/resources/stream", verify=False, timeout=10)
    assert response.status_code == 401


def test_changes_arrive_within_a_second_and_follow_permissions(daemon):
    for args in (["user", "add", "admin@pve", "--password", "admin-password"],
                 ["acl", "modify", "/", "--users", "admin@pve", "--roles", "Administrator"],
                 ["user", "add", "guest@pve", "--password", "guest-password"],
                 ["acl", "modify", "/pool/shared", "--users", "guest@pve", "--roles", "PVEAuditor"]):
        assert daemon.cli("pveum", *args).returncode == 0
    admin = open_stream(daemon, login(daemon, "admin@pve", "admin-password"))
    guest = open_stream(daemon, login(daemon, "guest@pve", "guest-password"))
    admin_events, guest_events = events(admin), events(guest)
    name, first = next(admin_events)
    assert name == "resources" and first["reset"] == 1
    assert "node/pytest" in [entry["id"] for entry in first["updated"]]
    _, guest_first = next(guest_events)
    # Every user sees the nodes (Proxmox shows them to all), but without figures: the guest
    # has no Sys.Audit. Nothing else is visible yet.
    assert [entry["id"] for entry in guest_first["updated"]] == ["node/pytest"]
    node = guest_first["updated"][0]
    assert "cpu" not in node and "mem" not in node and "maxmem" not in node, node

    started = time.monotonic()
    assert daemon.cli("pveum", "pool", "add", "shared").returncode == 0
    change = next_change(admin_events, "/pool/shared")
    elapsed = time.monotonic() - started
    assert change["reset"] == 0
    assert "/pool/shared" in [entry["id"] for entry in change["updated"]]
    assert elapsed < 1.0, f"the change took {elapsed:.2f} s"
    guest_change = next_change(guest_events, "/pool/shared")
    assert [entry["id"] for entry in guest_change["updated"]] == ["/pool/shared"], "the pool ACL makes it visible"

    assert daemon.cli("pveum", "pool", "delete", "shared").returncode == 0
    removal = next_change(admin_events, "/pool/shared")
    assert removal["removed"] == ["/pool/shared"]
    admin.close()
    guest.close()
