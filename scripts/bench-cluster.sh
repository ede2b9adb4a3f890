#!/usr/bin/env bash
# `make bench`: the status broadcast at the issue's scale. 32 simulated nodes with 300 guest
# configs each (9,600 guests, a third running) publish their status every 10 s under their
# leases (renewed every 3.3 s) against a real three-member etcd on this machine (Debian's
# etcd-server, loopback, no fsync: the members' data is on tmpfs-like temporary storage, as in
# the tests); one observing node lists /cluster/resources through its resource index in a loop
# (in-process, as root, no HTTP) for 60 s. Reported: etcd revisions (writes) per second, the
# status writes and lease renewals behind them, and the list's p50/p99. Figures go to stdout
# and, for a release build, into BENCHMARKS.md. Benchmarks never fail the build.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${FARO_BUILD:-release}
tool=${FARO_STORE_TOOL:-$here/.build/$build/faro-store-tool}
nodes=${FARO_BENCH_NODES:-32}
guests=${FARO_BENCH_GUESTS:-300}
window=${FARO_BENCH_SECONDS:-60}

if [[ ! -x /usr/bin/etcd ]]; then
    echo "bench-cluster: etcd-server is not installed; skipped"
    exit 0
fi
output=$("$tool" cluster-status-bench "$nodes" "$guests" "$window") || { echo "bench-cluster: the run failed"; exit 0; }
value() { sed -n "s/^$1=//p" <<<"$output"; }

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
report=$(cat <<REPORT
## Cluster status broadcast, $(value nodes) nodes × $guests guests ($(date -u +%Y-%m-%d), $machine)

$build build; a real 3-member etcd 3.4 (Debian) on loopback without fsync; $(value nodes) simulated nodes publish
their four status documents (node, running guests, storages, tasks) every 10 s, spread over the interval,
under 10 s leases renewed every 3.3 s, through one store on the second member; an observing node on the
first member lists \`/cluster/resources\` ($(value guests) guests, $(value resources_bytes) bytes) through its resource index,
in-process as root without HTTP, one request after another with 20 ms pauses for ${window} s ($(value resources_requests) requests,
$(value resources_builds) list builds).

| measurement | result | target |
|---|---|---|
| etcd writes (revisions) per second | $(value etcd_revisions_per_second) ($(value status_writes_per_second) status writes/s; plus $(value lease_renewals_per_second) lease renewals/s, which are not writes) | |
| \`/cluster/resources\` with $(value guests) guests | p50 $(value resources_p50_ms) ms, p99 $(value resources_p99_ms) ms | |
REPORT
)
echo "$report"
[[ $build == release ]] && python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"
exit 0
