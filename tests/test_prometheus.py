"""Prometheus scrapes Faro directly: `GET /metrics` answers in Prometheus' text format to an
API token sent as `Bearer`, and Debian's prometheus (started by the test on a free loopback
port in a temporary directory) stores what it scraped. `/cluster/metrics/export` answers in
Proxmox's shape."""
import json, os, shutil, socket, ssl, subprocess, tempfile, time, urllib.error, urllib.parse, urllib.request

import pytest

from conftest import Daemon


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-prometheus-")
    daemon = Daemon(root)
    try:
        daemon.pveum(["user", "add", "prom@pve"], ["acl", "modify", "/", "--users", "prom@pve", "--roles", "PVEAuditor"],
                     ["user", "add", "nobody@pve"])
        created = daemon.cli("pveum", "user", "token", "add", "prom@pve", "scrape", "--privsep", "0", "--output-format", "json")
        assert created.returncode == 0, created.stderr
        daemon.token = "prom@pve!scrape=" + json.loads(created.stdout)["value"]
        created = daemon.cli("pveum", "user", "token", "add", "nobody@pve", "scrape", "--privsep", "0", "--output-format", "json")
        daemon.weak_token = "nobody@pve!scrape=" + json.loads(created.stdout)["value"]
        created = daemon.cli("pvesh", "create", "/nodes/pytest/qemu", "--vmid", "500", "--memory", "64", "--name", "scraped")
        assert created.returncode == 0, created.stderr
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def fetch(url, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, None, ""


def test_metrics_endpoint_needs_a_token_with_sys_audit(node):
    assert fetch(node.url + "/metrics")[0] == 401
    assert fetch(node.url + "/metrics", {"Authorization": "Bearer prom@pve!scrape=wrong"})[0] == 401
    assert fetch(node.url + "/metrics", {"Authorization": "Bearer " + node.weak_token})[0] == 403
    # The VM shows from the first collection round after its creation (every 10 s).
    deadline = time.time() + 15
    while True:
        status, kind, text = fetch(node.url + "/metrics", {"Authorization": "Bearer " + node.token})
        if "qemu/500" in text or time.time() > deadline:
            break
        time.sleep(1)
    assert status == 200 and kind.startswith("text/plain; version=0.0.4"), kind
    assert 'pve_up{id="node/pytest"} 1' in text
    assert 'pve_up{id="qemu/500"} 0' in text
    assert 'pve_memory_size_bytes{id="qemu/500"} 67108864' in text
    assert 'pve_guest_info{id="qemu/500",node="pytest",name="scraped",type="qemu",template="0",tags=""} 1' in text
    assert 'pve_network_receive_bytes_total{id="qemu/500"} 0' in text and "# TYPE pve_disk_read_bytes_total counter" in text
    assert "# TYPE pve_cpu_usage_ratio gauge" in text
    status, _, same = fetch(node.url + "/metrics", {"Authorization": "PVEAPIToken=" + node.token})
    assert status == 200 and "pve_up" in same, "Proxmox's token header works too"


def test_cluster_metrics_export_has_proxmoxs_shape(node):
    result = node.cli("pvesh", "get", "/cluster/metrics/export", "--output-format", "json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)["data"]
    by_key = {(m["id"], m["metric"]): m for m in metrics}
    assert by_key[("node/pytest", "cpu_max")]["type"] == "gauge"
    assert by_key[("node/pytest", "net_in")]["type"] == "derive"
    assert by_key[("qemu/500", "mem_total")]["value"] == 64 * 1024 * 1024
    assert all(set(m) == {"id", "metric", "timestamp", "type", "value"} for m in metrics)
    other = json.loads(node.cli("pvesh", "get", "/cluster/metrics/export", "--node-list", "elsewhere", "--output-format", "json").stdout)
    assert other["data"] == []
    time.sleep(11)
    history = json.loads(node.cli("pvesh", "get", "/cluster/metrics/export", "--history", "1", "--output-format", "json").stdout)["data"]
    stamps = sorted({m["timestamp"] for m in history})
    assert len(stamps) >= 2, "history holds the last rounds"
    later = json.loads(node.cli("pvesh", "get", "/cluster/metrics/export", "--history", "1", "--start-time", str(stamps[0]),
                                "--output-format", "json").stdout)["data"]
    assert later and all(m["timestamp"] > stamps[0] for m in later)


@pytest.mark.skipif(shutil.which("prometheus") is None, reason="needs Debian's prometheus (scripts/install-deps.sh)")
def test_prometheus_scrapes_faro(node):
    directory = tempfile.mkdtemp(prefix="faro-prometheus-server-")
    port = free_port()
    with open(os.path.join(directory, "prometheus.yml"), "w") as file:
        file.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: faro
    scheme: https
    tls_config:
      insecure_skip_verify: true
    authorization:
      credentials: "{node.token}"
    static_configs:
      - targets: ["127.0.0.1:{node.port}"]
""")
    process = subprocess.Popen(
        ["prometheus", f"--config.file={directory}/prometheus.yml", f"--storage.tsdb.path={directory}/data",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "log"), "w"))
    try:
        def query(expression):
            url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return json.load(response)["data"]["result"]
            except OSError:
                return []
        deadline = time.time() + 60
        while time.time() < deadline and not query('pve_up{id="node/pytest"}'):
            time.sleep(1)
        assert query('up{job="faro"}')[0]["value"][1] == "1", open(os.path.join(directory, "log")).read()[-2000:]
        assert query('pve_up{id="node/pytest"}')[0]["value"][1] == "1"
        assert query('pve_memory_size_bytes{id="qemu/500"}')[0]["value"][1] == str(64 * 1024 * 1024)
        assert float(query('pve_cpu_usage_limit{id="node/pytest"}')[0]["value"][1]) >= 1
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


def _exporter_scrape(node, *flags):
    """Runs prometheus-pve-exporter (PyPI) against the daemon with the token and returns its
    exposition of one scrape of every collector not switched off by `flags`."""
    directory = tempfile.mkdtemp(prefix="faro-pve-exporter-")
    port = free_port()
    user, rest = node.token.split("!")
    name, value = rest.split("=", 1)
    with open(os.path.join(directory, "pve.yml"), "w") as file:
        file.write(f"default:\n  user: {user}\n  token_name: {name}\n  token_value: {value}\n  verify_ssl: false\n  port: {node.port}\n")
    process = subprocess.Popen(
        [shutil.which("pve_exporter"), "--config.file", os.path.join(directory, "pve.yml"), "--web.listen-address", f"127.0.0.1:{port}", *flags],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "log"), "w"))
    try:
        url = f"http://127.0.0.1:{port}/pve?target=127.0.0.1&module=default&cluster=1&node=1"
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=20) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode() + open(os.path.join(directory, "log")).read()[-3000:]
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


needs_exporter = pytest.mark.skipif(shutil.which("pve_exporter") is None, reason="needs prometheus-pve-exporter (pip)")


@needs_exporter
def test_prometheus_pve_exporter_scrapes_every_collector_but_backup_info(node):
    status, text = _exporter_scrape(node, "--no-collector.backup-info")
    assert status == 200, text
    assert 'pve_up{id="node/pytest"} 1.0' in text
    assert 'pve_memory_size_bytes{id="qemu/500"} 6.7108864e+07' in text
    assert 'pve_node_info{id="node/pytest"' in text and "pve_version_info" in text
    assert "# TYPE pve_onboot_status gauge" in text and "# TYPE pve_replication_info gauge" in text, "the node collectors ran"


@needs_exporter
def test_prometheus_pve_exporter_scrapes_with_every_collector(node):
    status, text = _exporter_scrape(node)
    assert status == 200, text
    assert "pve_not_backed_up_total" in text
