"""Faro's collection rounds arrive at a real InfluxDB (Debian's influxdb: UDP, and HTTP, which
an InfluxDB 1 before 1.8 answers through the v1 write API) and a real Graphite receiver
(Debian's graphite-carbon: UDP and TCP). Each server runs on free loopback ports in a
temporary directory, started and stopped by the test; the test asks them what arrived."""
import json, os, shutil, socket, subprocess, tempfile, time, urllib.parse, urllib.request

import pytest

from conftest import Daemon

pytestmark = pytest.mark.skipif(
    shutil.which("influxd") is None or shutil.which("carbon-cache") is None,
    reason="needs Debian's influxdb and graphite-carbon (scripts/install-deps.sh)")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pvesh(daemon, *args):
    result = daemon.cli("pvesh", *args, "--output-format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def until(condition, timeout=45, what="data"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"no {what} within {timeout} s")


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-metric-servers-")
    daemon = Daemon(root)
    try:
        pvesh(daemon, "create", "/nodes/pytest/qemu", "--vmid", "400", "--memory", "128", "--name", "sent")
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def influx():
    directory = tempfile.mkdtemp(prefix="faro-influxdb-")
    http, udp, rpc = free_port(), free_port(socket.SOCK_DGRAM), free_port()
    config = os.path.join(directory, "influxdb.conf")
    with open(config, "w") as file:
        file.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{directory}/meta"
[data]
  dir = "{directory}/data"
  wal-dir = "{directory}/wal"
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{http}"
  log-enabled = false
[[udp]]
  enabled = true
  bind-address = "127.0.0.1:{udp}"
  database = "proxmox"
  batch-size = 100
  batch-timeout = "200ms"
""")
    process = subprocess.Popen(["influxd", "-config", config], stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "log"), "w"))
    try:
        def query(q, db=None):
            params = {"q": q} | ({"db": db} if db else {})
            with urllib.request.urlopen(f"http://127.0.0.1:{http}/query?" + urllib.parse.urlencode(params), timeout=5) as response:
                return json.load(response)
        until(lambda: _answers(lambda: query("SHOW DATABASES")), 30, "InfluxDB")
        query("CREATE DATABASE faro")
        yield {"http": http, "udp": udp, "query": query}
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def carbon():
    directory = tempfile.mkdtemp(prefix="faro-carbon-")
    tcp, udp = free_port(), free_port(socket.SOCK_DGRAM)
    with open(os.path.join(directory, "carbon.conf"), "w") as file:
        file.write(f"""[cache]
STORAGE_DIR = {directory}/
LOCAL_DATA_DIR = {directory}/whisper/
WHITELISTS_DIR = {directory}/lists/
CONF_DIR = {directory}/
LOG_DIR = {directory}/log/
PID_DIR = {directory}/
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {tcp}
ENABLE_UDP_LISTENER = True
UDP_RECEIVER_INTERFACE = 127.0.0.1
UDP_RECEIVER_PORT = {udp}
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = {free_port()}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = {free_port()}
LOG_UPDATES = False
""")
    with open(os.path.join(directory, "storage-schemas.conf"), "w") as file:
        file.write("[all]\npattern = .*\nretentions = 10s:1d\n")
    process = subprocess.Popen(
        ["carbon-cache", f"--config={directory}/carbon.conf", "--nodaemon", "start"],
        stdout=open(os.path.join(directory, "out"), "w"), stderr=subprocess.STDOUT)
    try:
        until(lambda: _connects(tcp), 30, "carbon-cache")
        yield {"tcp": tcp, "udp": udp, "whisper": os.path.join(directory, "whisper")}
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


def _answers(call):
    try:
        return call()
    except OSError:
        return None


def _connects(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _series(result):
    return [serie for entry in result.get("results", []) for serie in entry.get("series", [])]


def test_influxdb_receives_proxmoxs_measurements_over_udp_and_http(node, influx):
    pvesh(node, "create", "/cluster/metrics/server/influx-udp", "--type", "influxdb", "--server", "127.0.0.1",
          "--port", str(influx["udp"]))
    pvesh(node, "create", "/cluster/metrics/server/influx-http", "--type", "influxdb", "--server", "127.0.0.1",
          "--port", str(influx["http"]), "--influxdbproto", "http", "--bucket", "faro")
    try:
        for db in ("proxmox", "faro"):
            nodes = until(lambda: _series(influx["query"]("SELECT * FROM cpustat WHERE host = 'pytest'", db)), what=f"cpustat in {db}")
            columns = nodes[0]["columns"]
            assert {"cpu", "cpus", "iowait", "avg1", "object"} <= set(columns), columns
            assert nodes[0]["values"][-1][columns.index("object")] == "nodes"
            vm = until(lambda: _series(influx["query"]("SELECT * FROM system WHERE object = 'qemu'", db)), what=f"qemu in {db}")
            columns = vm[0]["columns"]
            row = vm[0]["values"][-1]
            assert row[columns.index("vmid")] in ("400", 400) and row[columns.index("host")] == "sent", row
            assert row[columns.index("maxmem")] == 128 * 1024 * 1024 and row[columns.index("status")] == "stopped"
            assert _series(influx["query"]("SELECT * FROM memory", db)), "the node's memory measurement"
            assert _series(influx["query"]("SELECT * FROM system WHERE object = 'storages' AND host = 'local'", db))
    finally:
        pvesh(node, "delete", "/cluster/metrics/server/influx-udp")
        pvesh(node, "delete", "/cluster/metrics/server/influx-http")


def test_graphite_receives_the_paths_over_udp_and_tcp(node, carbon):
    pvesh(node, "create", "/cluster/metrics/server/carbon-udp", "--type", "graphite", "--server", "127.0.0.1",
          "--port", str(carbon["udp"]), "--path", "viaudp")
    pvesh(node, "create", "/cluster/metrics/server/carbon-tcp", "--type", "graphite", "--server", "127.0.0.1",
          "--port", str(carbon["tcp"]), "--proto", "tcp", "--path", "faro.tcp")
    pvesh(node, "create", "/cluster/metrics/server/carbon-off", "--type", "graphite", "--server", "127.0.0.1",
          "--port", str(carbon["tcp"]), "--proto", "tcp", "--path", "disabled", "--disable", "1")
    try:
        for prefix in ("viaudp", "faro/tcp"):
            cpu = os.path.join(carbon["whisper"], prefix, "nodes", "pytest", "cpustat", "cpu.wsp")
            maxmem = os.path.join(carbon["whisper"], prefix, "qemu", "400", "maxmem.wsp")
            until(lambda: os.path.exists(cpu) and os.path.exists(maxmem), what=f"{prefix} whisper files")
            fetched = until(lambda: _values(maxmem), what=f"{prefix} maxmem values")
            assert fetched[-1] == 128 * 1024 * 1024
            assert os.path.exists(os.path.join(carbon["whisper"], prefix, "storages", "pytest", "local", "total.wsp"))
            assert os.path.exists(os.path.join(carbon["whisper"], prefix, "nodes", "pytest", "memory", "memtotal.wsp"))
        assert not os.path.exists(os.path.join(carbon["whisper"], "disabled")), "a disabled server gets nothing"
    finally:
        for name in ("carbon-udp", "carbon-tcp", "carbon-off"):
            pvesh(node, "delete", f"/cluster/metrics/server/{name}")


def _values(path):
    result = subprocess.run(["whisper-fetch", "--from", str(int(time.time()) - 600), path], capture_output=True, text=True)
    return [float(value) for _, value in (line.split() for line in result.stdout.splitlines()) if value != "None"]
