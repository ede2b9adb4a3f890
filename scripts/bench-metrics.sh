#!/usr/bin/env bash
# `make bench`: what the metrics cost. A daemon with 1,000 guest configs seeded in the store
# runs its collection loop (every 10 s: node, 1,000 guests with their status computed as for
# real ones, storages, history files); its CPU time over six rounds is the loop's cost (the
# daemon does nothing else then but the 10 s VM reaper). Then wrk reads a guest's year of
# history, and the history's bytes per guest are counted. Figures go to stdout and, for a
# release build, into BENCHMARKS.md. Benchmarks never fail the build.
# FARO_BUILD=debug measures the debug build (printed only).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${FARO_BUILD:-release}
faro=$here/.build/$build/faro
# The seeding tool only fills the store; any build of it does.
tool=${FARO_STORE_TOOL:-$here/.build/$build/faro-store-tool}
root=$(mktemp -d /tmp/faro-bench-metrics-XXXXXX)
daemon_pid=
cleanup() {
    [[ -n "$daemon_pid" ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

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

# The first two rounds create the 1,000 history files and prime the counters.
sleep 25
ticks() { awk '{print $14 + $15}' "/proc/$daemon_pid/stat"; }
hz=$(getconf CLK_TCK)
window=60
before=$(ticks)
sleep "$window"
after=$(ticks)
loop_share=$(echo "($after - $before) / $hz / $window * 100" | bc -l | xargs printf "%.2f")
rounds=$(( window / 10 ))
per_round=$(echo "($after - $before) / $hz / $rounds * 1000" | bc -l | xargs printf "%.0f")

files=$(ls "$root/var/lib/faro/metrics/guest" | wc -l)
guest_file=$root/var/lib/faro/metrics/guest/$(ls "$root/var/lib/faro/metrics/guest" | head -1)
apparent=$(stat -c %s "$guest_file")
allocated=$(( $(stat -c %b "$guest_file") * $(stat -c %B "$guest_file") ))
total_kib=$(du -sk "$root/var/lib/faro/metrics" | awk '{print $1}')

vmid=$(basename "$guest_file")
year_url="$url/nodes/bench/qemu/$vmid/rrddata?timeframe=year"
points=$(curl -sk -H "$auth" "$year_url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
wrk -t2 -c8 -d3s -H "$auth" "$year_url" >/dev/null
year=$(wrk -t2 -c8 -d10s --latency -H "$auth" "$year_url" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}')

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
report=$(cat <<REPORT
## Metrics collection and history ($(date -u +%Y-%m-%d), $machine)

$build build, 1,000 stopped VMs seeded in the store (the loop computes each one's status as for any guest
and records it), the daemon idle otherwise; CPU time from /proc over $window s ($rounds rounds); wrk with 2 threads and 8
keep-alive connections for 10 s on one VM's \`rrddata?timeframe=year\` ($points points) over HTTPS with an API token.

| measurement | result | target |
|---|---|---|
| collection loop, 1,000 guests | $loop_share % of one core ($per_round ms CPU per round) | <= 2 % |
| \`GET .../rrddata?timeframe=year\` | $year | p99 < 5 ms |
| history per guest | $apparent bytes ($allocated allocated), $files guest files, $total_kib KiB in all | <= 256 KiB |
REPORT
)
echo "$report"
[[ $build == release ]] && python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"
exit 0
