"""Storage through proxmoxer and pvesm against a real daemon: definitions, an ISO upload that
then appears in the content list, a download from a loopback HTTP server, pruning."""
import hashlib, http.server, json, os, tempfile, threading, time

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException


def root_token(daemon, name):
    created = daemon.cli("pveum", "user", "token", "add", "root@pam", name, "--privsep", "0", "--output-format", "json")
    assert created.returncode == 0, created.stderr
    secret = json.loads(created.stdout)["value"]
    return ProxmoxAPI("127.0.0.1", port=daemon.port, user="root@pam", token_name=name, token_value=secret, verify_ssl=False)


def wait_task(prox, upid, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = prox.nodes("pytest").tasks(upid).status.get()
        if status["status"] == "stopped":
            return status
        time.sleep(0.2)
    raise AssertionError(f"task {upid} did not finish")


def test_upload_iso_then_list_it(daemon):
    prox = root_token(daemon, "upload")
    payload = os.urandom(3 << 20)
    with tempfile.NamedTemporaryFile(suffix=".iso") as image:
        image.write(payload)
        image.flush()
        with open(image.name, "rb") as handle:
            upid = prox.nodes("pytest").storage("local").upload.post(
                content="iso", filename=handle, checksum=hashlib.sha256(payload).hexdigest(), **{"checksum-algorithm": "sha256"})
    status = wait_task(prox, upid)
    assert status["exitstatus"] == "OK"
    log = "\n".join(line["t"] for line in prox.nodes("pytest").tasks(upid).log.get())
    assert "checksum verified" in log
    isos = prox.nodes("pytest").storage("local").content.get(content="iso")
    name = os.path.basename(image.name)
    assert [item["volid"] for item in isos] == [f"local:iso/{name}"]
    assert isos[0]["size"] == len(payload)
    info = prox.nodes("pytest").storage("local").content(f"local:iso/{name}").get()
    assert info["path"].endswith(f"/template/iso/{name}")
    prox.nodes("pytest").storage("local").content(f"local:iso/{name}").delete()
    time.sleep(0.5)
    assert prox.nodes("pytest").storage("local").content.get(content="iso") == []


def test_definitions_and_bad_input(daemon):
    prox = root_token(daemon, "defs")
    path = os.path.join(daemon.root, "extra-store")
    prox.storage.post(storage="extra", type="dir", path=path, content="images,iso")
    assert {s["storage"] for s in prox.storage.get()} == {"local", "extra"}
    status = prox.nodes("pytest").storage("extra").status.get()
    assert status["active"] == 1 and status["total"] > 0
    with pytest.raises(ResourceException) as failure:
        prox.storage.post(storage="extra2", type="dir", path=path, content="isos")
    assert failure.value.status_code == 400
    assert "content" in str(failure.value)
    prox.storage("extra").put(content="iso", disable=1)
    assert prox.storage("extra").get()["disable"] == 1
    prox.storage("extra").delete()
    assert [s["storage"] for s in prox.storage.get()] == ["local"]


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_url_from_loopback(daemon):
    prox = root_token(daemon, "download")
    serve = tempfile.mkdtemp(prefix="faro-serve-")
    payload = os.urandom(1 << 20)
    with open(os.path.join(serve, "small.iso"), "wb") as handle:
        handle.write(payload)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Files(*a, directory=serve))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/small.iso"
        upid = prox.nodes("pytest").storage("local")("download-url").post(content="iso", filename="fetched.iso", url=url)
        assert wait_task(prox, upid)["exitstatus"] == "OK"
        info = prox.nodes("pytest").storage("local").content("local:iso/fetched.iso").get()
        assert info["size"] == len(payload)
        upid = prox.nodes("pytest").storage("local")("download-url").post(
            content="iso", filename="missing.iso", url=url.replace("small", "nothere"))
        assert wait_task(prox, upid)["exitstatus"] != "OK"
        assert not os.path.exists(os.path.join(daemon.root, "var/lib/vz/template/iso/missing.iso"))
    finally:
        server.shutdown()


def test_pvesm_cli(daemon):
    assert daemon.cli("pvesm", "alloc", "local", "100", "", "16M").returncode == 0
    listed = daemon.cli("pvesm", "list", "local", "--output-format", "json")
    assert [v["volid"] for v in json.loads(listed.stdout)] == ["local:100/vm-100-disk-0.raw"]
    path = daemon.cli("pvesm", "path", "local:100/vm-100-disk-0.raw")
    assert path.stdout.strip().endswith("/var/lib/vz/images/100/vm-100-disk-0.raw")
    dump = os.path.join(daemon.root, "var/lib/vz/dump")
    for day in ("01", "02"):
        open(os.path.join(dump, f"vzdump-lxc-100-2024_05_{day}-10_00_00.tar.zst"), "w").close()
    dry = daemon.cli("pvesm", "prune-backups", "local", "--keep-last", "1", "--dry-run", "1", "--output-format", "json")
    marks = {entry["volid"]: entry["mark"] for entry in json.loads(dry.stdout)}
    assert marks == {"local:backup/vzdump-lxc-100-2024_05_02-10_00_00.tar.zst": "keep",
                     "local:backup/vzdump-lxc-100-2024_05_01-10_00_00.tar.zst": "remove"}
    assert daemon.cli("pvesm", "free", "local:100/vm-100-disk-0.raw").returncode == 0
    assert not os.path.exists(path.stdout.strip())
    bad = daemon.cli("pvesm", "add", "dir", "broken")
    assert bad.returncode != 0 and "path" in bad.stderr
