#!/usr/bin/env bash
# `make bench`: container start through the API (`POST .../status/start` until status/current
# says running) against `lxc-start -d` of the same container, as a ratio. Figures go to stdout
# and into BENCHMARKS.md. Benchmarks never fail the build. Needs root, lxc and a static busybox.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
faro=${FARO_BIN:-$here/.build/release/faro}
runs=${BENCH_LXC_RUNS:-7}
vmid=990
root=$(mktemp -d /tmp/faro-bench-lxc-XXXXXX)
lxcpath=$root/var/lib/faro/lxc
daemon_pid=
cleanup() {
    lxc-stop -P "$lxcpath" -n "$vmid" --kill >/dev/null 2>&1
    umount "$lxcpath/$vmid/rootfs" >/dev/null 2>&1
    [[ -n "$daemon_pid" ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT
skip() { echo "bench-lxc: skipped, $1" >&2; exit 0; }
[[ $(id -u) == 0 ]] || skip "containers need root"
command -v lxc-start >/dev/null || skip "lxc is not installed"
busybox=$(command -v busybox) || skip "busybox-static is not installed"
chmod 755 "$root"

# A busybox template: init runs one long sleep.
staging=$root/staging
mkdir -p "$staging"/{bin,sbin,etc,proc,sys,dev,tmp,root,run} "$root/var/lib/vz/template/cache"
cp "$busybox" "$staging/bin/busybox"
for applet in sh sleep mount hostname cat; do ln -s busybox "$staging/bin/$applet"; done
ln -s ../bin/busybox "$staging/sbin/init"
printf '::respawn:/bin/sleep 86400\n' >"$staging/etc/inittab"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$staging/etc/passwd"
tar -czf "$root/var/lib/vz/template/cache/bench_1.0_amd64.tar.gz" --numeric-owner --owner=0 --group=0 -C "$staging" .

coproc DAEMON { exec "$faro" daemon --root "$root" --node bench --listen 127.0.0.1:0 2>"$root/daemon.log"; }
daemon_pid=$DAEMON_PID
read -r line <&"${DAEMON[0]}"
port=${line##*:}
url=https://127.0.0.1:$port/api2/json/nodes/bench/lxc
token_json=$("$faro" --root "$root" pveum user token add root@pam bench --privsep 0 --output-format json)
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])' <<<"$token_json")
auth="Authorization: PVEAPIToken=root@pam!bench=$secret"
api() { curl -sk --fail-with-body -H "$auth" "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['data']$1)"; }
wait_task() {
    for _ in $(seq 1200); do [[ $(api "${url%/lxc}/tasks/$1/status" | field "['status']") == stopped ]] && return; sleep 0.05; done
    echo "bench-lxc: task $1 did not finish" >&2; exit 1
}

upid=$(api -X POST -d vmid=$vmid -d ostemplate=local:vztmpl/bench_1.0_amd64.tar.gz -d rootfs=local:0 -d ostype=unmanaged "$url" | field "")
wait_task "$upid"
api "$url/$vmid/config" >/dev/null || { echo "bench-lxc: the container was not created" >&2; cat "$root/daemon.log" >&2; exit 1; }

# One kept-alive connection, polls every 5 ms on both sides (see scripts/bench_client.py).
read -r api_median lxc_median < <(PYTHONPATH="$here/scripts" python3 - "$port" "root@pam!bench=$secret" "$vmid" "$lxcpath" "$root" "$runs" <<'PY'
import statistics, subprocess, sys, time
from bench_client import KeepAliveAPI

port, token, vmid, lxcpath, root, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
api = KeepAliveAPI(port, token)
api.warm()
base = f"/nodes/bench/lxc/{vmid}"

def until(predicate, what):
    deadline = time.monotonic() + 60
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench-lxc: {what}")
        time.sleep(0.005)

# Each start begins from a settled host: the kernel finishes the previous stop's cgroup work
# lazily, and a start right after a stop skips part of its own (one RCU grace period, ~10 ms
# here), so without the pause whichever side followed a stop more closely would win.
SETTLE = 0.5

def through_api():
    time.sleep(SETTLE)
    started = time.monotonic()
    api.call("POST", base + "/status/start")
    until(lambda: api.call("GET", base + "/status/current")["status"] == "running", f"CT {vmid} never ran")
    elapsed = time.monotonic() - started
    upid = api.call("POST", base + "/status/stop")
    until(lambda: api.call("GET", f"/nodes/bench/tasks/{upid}/status")["status"] == "stopped", "the stop task did not end")
    return elapsed

def lxc(*arguments):
    return subprocess.run([arguments[0], "-P", lxcpath, "-n", vmid, *arguments[1:]], capture_output=True, text=True)

def directly():
    # The same container by hand: the daemon left its lxc config; the rootfs is bind-mounted as at start.
    subprocess.run(["mount", "--bind", f"{root}/var/lib/vz/images/{vmid}/subvol-{vmid}-disk-0.subvol",
                    f"{lxcpath}/{vmid}/rootfs"], check=True)
    time.sleep(SETTLE)
    started = time.monotonic()
    lxc("lxc-start", "-d")
    until(lambda: "RUNNING" in lxc("lxc-info", "-s").stdout, f"lxc-start of {vmid} never ran")
    elapsed = time.monotonic() - started
    lxc("lxc-stop", "--kill")
    subprocess.run(["umount", f"{lxcpath}/{vmid}/rootfs"], check=True)
    return elapsed

api_times, lxc_times = [], []
for _ in range(runs):
    api_times.append(through_api())
    lxc_times.append(directly())
print(statistics.median(api_times), statistics.median(lxc_times))
PY
)
[[ -n "$lxc_median" ]] || { echo "bench-lxc: the measurement failed" >&2; exit 1; }
ratio=$(echo "$api_median / $lxc_median" | bc -l | xargs printf "%.2f")
ms() { echo "$1 * 1000" | bc -l | xargs printf "%.0f ms"; }

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
report=$(cat <<REPORT
## Container start ($(date -u +%Y-%m-%d), $machine)

A privileged busybox container on the dir storage, median of $runs starts each, $(basename "$(dirname "$faro")") build; the API
side over one kept-alive HTTPS connection, both sides polled every 5 ms, each start 0.5 s after the previous stop.

| measurement | result | target |
|---|---|---|
| \`POST .../status/start\` until status/current says running | $(ms "$api_median") | |
| \`lxc-start -d\` of the same container until RUNNING | $(ms "$lxc_median") | |
| ratio API / lxc-start | $ratio | <= 1.3 |
REPORT
)
echo "$report"
python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"
