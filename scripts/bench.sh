#!/usr/bin/env bash
# `make bench`: HTTPS throughput and latency of the daemon with wrk (keep-alive), and its
# memory. Figures go to stdout and into BENCHMARKS.md. Benchmarks never fail the build.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
faro=$here/.build/release/faro
tool=$here/.build/release/faro-store-tool
duration=${BENCH_DURATION:-15}
connections=${BENCH_CONNECTIONS:-32}
root=$(mktemp -d /tmp/faro-bench-XXXXXX)
daemon_pid=
cleanup() {
    [[ -n "$daemon_pid" ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# RSS split into the daemon's own memory (anonymous) and the mapped executable and libraries
# (file-backed: clean, shared with every other faro process, reclaimable).
rss_split() { awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "anonymous %d MiB, file-backed %d MiB", a/1024, f/1024}' "/proc/$1/status"; }

mkdir -p "$root/var/lib/faro"
"$tool" seed-guests "$root/var/lib/faro/config.db" bench 1000 >/dev/null

coproc DAEMON { exec "$faro" daemon --root "$root" --node bench --listen 127.0.0.1:0 2>"$root/daemon.log"; }
daemon_pid=$DAEMON_PID
read -r line <&"${DAEMON[0]}"
port=${line##*:}
url=https://127.0.0.1:$port/api2/json

token_json=$("$faro" --root "$root" pveum user token add root@pam bench --privsep 0 --output-format json)
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])' <<<"$token_json")
auth="Authorization: PVEAPIToken=root@pam!bench=$secret"
curl -skf -H "$auth" "$url/version" >/dev/null || { echo "bench: the daemon did not answer an authenticated call" >&2; cat "$root/daemon.log" >&2; exit 1; }

sleep 2
idle_rss=$(rss_kib "$daemon_pid")
idle_split=$(rss_split "$daemon_pid")

run_wrk() { wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$auth" "$1"; }
# Steady state is measured: 3 s of the same load first (TLS sessions, first list build, the
# per-caller encodings); the cold first call of /cluster/resources is reported on its own.
warm_up() { wrk -t2 -c"$connections" -d3s -H "$auth" "$1" >/dev/null; }
first_call_ms() { curl -sk -o /dev/null -w '%{time_total}' -H "$auth" "$1" | awk '{printf "%.0f", $1 * 1000}'; }
summarise() {
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'
}

resources_first=$(first_call_ms "$url/cluster/resources")
warm_up "$url/version"
version_out=$(run_wrk "$url/version")
version=$(summarise <<<"$version_out")
warm_up "$url/cluster/resources"
resources_out=$(run_wrk "$url/cluster/resources")
resources=$(summarise <<<"$resources_out")
loaded_rss=$(rss_kib "$daemon_pid")
loaded_split=$(rss_split "$daemon_pid")
guests=$(curl -sk -H "$auth" "$url/cluster/resources?type=vm" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')

# Upload: 1 GiB over HTTPS (multipart, spooled to the storage, then renamed into place) against
# cp of the same file on the same disk; both end with a sync so each pays for its writes.
big=$root/bench-upload.iso
head -c 1G /dev/urandom >"$big"
sync
seconds() { date +%s.%N; }
start=$(seconds); cp "$big" "$root/cp-copy.iso"; sync; cp_time=$(echo "$(seconds) - $start" | bc -l)
rm -f "$root/cp-copy.iso"
start=$(seconds)
curl -skf -H "$auth" -F content=iso -F "filename=@$big" "$url/nodes/bench/storage/local/upload" >/dev/null
target=$root/var/lib/vz/template/iso/bench-upload.iso
for _ in $(seq 600); do [[ -f "$target" ]] && break; sleep 0.05; done
sync
upload_time=$(echo "$(seconds) - $start" | bc -l)
rm -f "$big" "$target"
upload_mib_s=$(echo "1024 / $upload_time" | bc -l | xargs printf "%.0f")
cp_mib_s=$(echo "1024 / $cp_time" | bc -l | xargs printf "%.0f")
upload_ratio=$(echo "$cp_time / $upload_time" | bc -l | xargs printf "%.2f")

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
report=$(cat <<REPORT
## API throughput, memory and upload ($(date -u +%Y-%m-%d), $machine)

wrk, 2 threads, $connections keep-alive connections, ${duration} s per endpoint after a 3 s warm-up, HTTPS (TLS 1.3), API token auth,
release build, $guests guest configs in the store.

| measurement | result | target |
|---|---|---|
| \`GET /version\` | $version | >= 10,000 req/s |
| \`GET /cluster/resources\` (1,000 guests) | $resources | >= 1,000 req/s, p99 < 25 ms |
| first \`GET /cluster/resources\` after the start (cold build of the list) | $resources_first ms | |
| idle RSS | $((idle_rss / 1024)) MiB ($idle_split) | < 40 MiB |
| RSS after the load | $((loaded_rss / 1024)) MiB ($loaded_split) | |
| upload of 1 GiB over HTTPS vs \`cp\` | $upload_mib_s MiB/s vs $cp_mib_s MiB/s, ratio $upload_ratio | >= 0.5 |
REPORT
)
echo "$report"
python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"

# The web GUI with 10,000 guests in headless Chromium (its own section of BENCHMARKS.md).
FARO_BIN=$faro python3 "$here/scripts/bench-gui.py"
