"""Schemathesis, driven by Faro's own OpenAPI document, against a real daemon under a
temporary root, authenticated as root@pam's API token: every GET, and the write methods of
access, pools, storage definitions, datacenter options, node config, DNS and hosts. No response
may contradict the document, no request may crash or hang the daemon, and input the document
refuses must be refused with a 4xx. `make test` runs a small budget; `make bench` runs
scripts/fuzz.sh with a large one (FARO_FUZZ_EXAMPLES)."""
import json, os, shutil, subprocess

import pytest
import requests


EXAMPLES = int(os.environ.get("FARO_FUZZ_EXAMPLES", "4"))
SCHEMATHESIS = shutil.which("schemathesis") or shutil.which("st")

# Streams and consoles never end by themselves; the paths an API token may not use are
# refused before any parameter is read (tested elsewhere).
NEVER = r"(vncwebsocket|termproxy|vncproxy|spiceproxy|/resources/stream|/access/ticket|/access/password|/access/tfa)"
WRITTEN = r"^/api2/json/(access|pools|storage|cluster/options|nodes/\{node\}/(config|dns|hosts))"


def run(daemon, token, extra, directory):
    command = [
        SCHEMATHESIS, "run", f"{daemon.url}/api2/openapi.json", "--origin", daemon.url,
        "-H", f"Authorization: PVEAPIToken={token}", "--tls-verify", "false",
        "--max-examples", str(EXAMPLES), "--seed", os.environ.get("FARO_FUZZ_SEED", "8006"),
        # One worker: hypothesis describes its strategies with ast.parse, which Python 3.11 does
        # not do safely from several threads at once (a "recursion depth mismatch" error).
        "--phases", "examples,coverage,fuzzing", "--workers", "1", "--request-timeout", "20",
        "--checks", "all", "--exclude-checks",
        # A valid request may still fail: a guest or user that does not exist is Proxmox's 500.
        "not_a_server_error,positive_data_acceptance,use_after_free,ensure_resource_availability,"
        "ignored_auth,object_level_authorization,missing_required_header,"
        # Proxmox answers a method a path does not have with 501 "Method ... not implemented",
        # not 405; faro_checks accepts exactly that.
        "unsupported_method,"
        # Replaced by faro_checks.refused_unless_proxmox_reads_it.
        "negative_data_rejection",
        "--exclude-path-regex", NEVER, "--suppress-health-check", "all", "--no-shrink",
        "--report", "junit", "--report-junit-path", str(directory / "junit.xml"),
        "--output-truncate", "true",
    ] + extra
    environment = dict(os.environ, SCHEMATHESIS_HOOKS="faro_checks",
                       PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # Schemathesis keeps a cache in its working directory: the test's own, not the checkout.
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=directory, timeout=1500)


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is installed by scripts/install-deps.sh")
@pytest.mark.parametrize("selection", ["reads", "writes"])
def test_the_api_keeps_its_document_under_fuzzing(daemon, selection, tmp_path):
    created = daemon.cli("pveum", "user", "token", "add", "root@pam", "fuzzer", "--privsep", "0", "--output-format", "json")
    assert created.returncode == 0, created.stderr
    token = "root@pam!fuzzer=" + json.loads(created.stdout)["value"]
    if selection == "reads":
        extra = ["--include-method", "GET"]
    else:
        extra = ["--include-path-regex", WRITTEN, "--exclude-method", "GET"]
    result = run(daemon, token, extra, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert daemon.process.poll() is None, "the daemon survived the fuzzing"
    assert requests.get(daemon.url + "/api2/json/version", verify=False, timeout=5).status_code == 401
