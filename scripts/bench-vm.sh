#!/usr/bin/env bash
# `make bench`, VM part: how long a start through the API takes until QMP reports `running`,
# against the same argv (`showcmd`) started directly with qemu-system-x86_64, median of
# several alternating runs; and the daemon's added RSS per running VM. The VMs are tiny TCG
# machines without disks: what is measured is the daemon's path, not the guest's boot.
# Figures go to stdout and into BENCHMARKS.md. Benchmarks never fail the build.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
faro=${FARO:-$here/.build/release/faro}
runs=${BENCH_VM_RUNS:-7}
resident=${BENCH_VM_RESIDENT:-10}
root=$(mktemp -d /tmp/faro-benchvm-XXXXXX)
daemon_pid=
cleanup() {
    for pidfile in "$root"/run/faro/qemu/*.pid "$root"/direct/*.pid; do
        [[ -f "$pidfile" ]] && kill -KILL "$(cat "$pidfile")" 2>/dev/null
    done
    [[ -n "$daemon_pid" ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

coproc DAEMON { exec "$faro" daemon --root "$root" --node bench --listen 127.0.0.1:0 2>"$root/daemon.log"; }
daemon_pid=$DAEMON_PID
read -r line <&"${DAEMON[0]}"
port=${line##*:}
token_json=$("$faro" --root "$root" pveum user token add root@pam bench --privsep 0 --output-format json)
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])' <<<"$token_json")

for vmid in $(seq 900 $((900 + resident))); do
    "$faro" --root "$root" qm create "$vmid" --kvm 0 --memory 64 --vga none --balloon 0 >/dev/null \
        || { echo "bench-vm: qm create $vmid failed" >&2; exit 1; }
done
sleep 2

# `showcmd` is root@pam's alone, which the local socket is (the token is not).
showcmd=$("$faro" --root "$root" qm showcmd 900)
figures=$(PYTHONPATH="$here/scripts" python3 - "$root" "$port" "root@pam!bench=$secret" "$daemon_pid" "$runs" "$resident" "$showcmd" <<'PY'
import json, os, shlex, socket, statistics, subprocess, sys, time
from bench_client import KeepAliveAPI

root, port, token, showcmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[7]
daemon_pid, runs, resident = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
run_dir = f"{root}/run/faro/qemu"

api_client = KeepAliveAPI(port, token, base="/api2/json/nodes/bench/qemu")
api_client.warm()

def api(method, path):
    return api_client.call(method, path)

def qmp_running(path):
    """True once the monitor at `path` answers query-status with running."""
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(path)
            stream = sock.makefile("rwb")
            stream.readline()
            for command in ("qmp_capabilities", "query-status"):
                stream.write(json.dumps({"execute": command}).encode() + b"\n")
                stream.flush()
                reply = json.loads(stream.readline())
            return reply.get("return", {}).get("status") == "running"
    except (OSError, ValueError):
        return False

def wait_running(path, started):
    while not qmp_running(path):
        if time.monotonic() - started > 60:
            raise SystemExit(f"bench-vm: {path} never reported running")
        time.sleep(0.005)
    return time.monotonic() - started

def wait_gone(pidfile):
    for _ in range(2000):
        try:
            pid = int(open(pidfile).read())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return
        time.sleep(0.01)

def through_api(vmid):
    started = time.monotonic()
    api("POST", f"/{vmid}/status/start")
    elapsed = wait_running(f"{run_dir}/{vmid}.qmp", started)
    api("POST", f"/{vmid}/status/stop")
    wait_gone(f"{run_dir}/{vmid}.pid")
    return elapsed

def directly(argv):
    started = time.monotonic()
    subprocess.run(argv, check=True)
    elapsed = wait_running(f"{root}/direct/900.qmp", started)
    pid = int(open(f"{root}/direct/900.pid").read())
    os.kill(pid, 9)
    wait_gone(f"{root}/direct/900.pid")
    return elapsed

os.makedirs(f"{root}/direct", exist_ok=True)
argv = [word.replace(run_dir + "/", f"{root}/direct/") for word in shlex.split(showcmd)]
api_times, direct_times = [], []
for _ in range(runs):
    api_times.append(through_api(900))
    direct_times.append(directly(argv))

def rss_kib():
    return int(next(line.split()[1] for line in open(f"/proc/{daemon_pid}/status") if line.startswith("VmRSS")))

def exercise():
    """The calls a GUI makes about running VMs, so per-VM state is in place."""
    for _ in range(3):
        api("GET", "?full=1")
        for vmid in range(901, 901 + resident):
            api("GET", f"/{vmid}/status/current")

exercise()
before = rss_kib()
for vmid in range(901, 901 + resident):
    started = time.monotonic()
    api("POST", f"/{vmid}/status/start")
    wait_running(f"{run_dir}/{vmid}.qmp", started)
exercise()
time.sleep(1)
after = rss_kib()
print(statistics.median(api_times), statistics.median(direct_times), before, after)
PY
) || { echo "bench-vm: measuring failed" >&2; cat "$root/daemon.log" >&2; exit 1; }
read -r api_s direct_s rss_before rss_after <<<"$figures"
api_ms=$(echo "$api_s * 1000" | bc -l | xargs printf "%.0f")
direct_ms=$(echo "$direct_s * 1000" | bc -l | xargs printf "%.0f")
ratio=$(echo "$api_s / $direct_s" | bc -l | xargs printf "%.2f")
per_vm_kib=$(( (rss_after - rss_before) / resident ))

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
build=$([[ "$faro" == *release* ]] && echo "release build" || echo "build $faro")
report=$(cat <<REPORT
## VM start and daemon memory per VM ($(date -u +%Y-%m-%d), $machine)

$build; a 64 MiB TCG VM without disks, time until QMP \`query-status\` says \`running\`, median of $runs
alternating runs, API calls over one kept-alive HTTPS connection; RSS of the daemon before and after starting $resident such VMs and asking for their status.

| measurement | result | target |
|---|---|---|
| \`POST .../status/start\` vs the same argv run directly | $api_ms ms vs $direct_ms ms, ratio $ratio | <= 1.15 |
| daemon RSS added per running VM | $per_vm_kib KiB ($(( rss_before / 1024 )) → $(( rss_after / 1024 )) MiB for $resident VMs) | < 1 MiB |
REPORT
)
echo "$report"
python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"
