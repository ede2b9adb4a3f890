#!/usr/bin/env bash
# `make bench`, backup part: vzdump of a VM disk (half random data, half zeros) to `local` with
# zstd against `zstd -1` of the same image file into the same directory, the restore
# (`qmrestore`) against `zstd -d` of the archive, and the daemon's RSS sampled during the
# backup. Figures go to stdout and into BENCHMARKS.md. Benchmarks never fail the build.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
faro=${FARO:-$here/.build/release/faro}
gib=${BENCH_BACKUP_GIB:-4}
root=$(mktemp -d /var/tmp/faro-benchbk-XXXXXX)
daemon_pid=
cleanup() {
    [[ -n "$daemon_pid" ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT

coproc DAEMON { exec "$faro" daemon --root "$root" --node bench --listen 127.0.0.1:0 2>"$root/daemon.log"; }
daemon_pid=$DAEMON_PID
read -r _ <&"${DAEMON[0]}"
cli() { "$faro" --root "$root" "$@"; }

cli qm create 990 --kvm 0 --memory 64 --vga none --scsi0 "local:$gib" >/dev/null || { echo "bench-backup: qm create failed" >&2; exit 1; }
image=$root/var/lib/vz/images/990/vm-990-disk-0.raw
dump=$root/var/lib/vz/dump
mkdir -p "$dump"
half_mib=$(( gib * 512 ))
dd if=/dev/urandom of="$image" bs=1M count="$half_mib" conv=notrunc status=none
cat "$image" >/dev/null  # both sides read from the page cache

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; local status=$?; echo "$EPOCHREALTIME - $start" | bc -l; return $status; }

zstd_s=$(seconds zstd -1 -q -f "$image" -o "$dump/reference.raw.zst")
rm -f "$dump/reference.raw.zst"

peak_file=$root/rss-peak
( peak=0; while kill -0 "$daemon_pid" 2>/dev/null && [[ ! -e "$root/stop-sampling" ]]; do
      rss=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null || echo 0)
      (( rss > peak )) && peak=$rss && echo "$peak" >"$peak_file"
      sleep 0.05
  done ) &
sampler=$!
idle_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status")
backup_s=$(seconds cli vzdump 990 --compress zstd --storage local --mode stop) || { echo "bench-backup: vzdump failed" >&2; cat "$root/daemon.log" >&2; exit 1; }
touch "$root/stop-sampling"; wait "$sampler"
peak_kib=$(cat "$peak_file" 2>/dev/null || echo 0)
archive=$(ls "$dump"/vzdump-qemu-990-*.vma.zst | head -1)
archive_mib=$(( $(stat -c %s "$archive") / 1048576 ))

unzstd_s=$(seconds zstd -d -q -f "$archive" -o "$dump/reference.vma")
rm -f "$dump/reference.vma"
restore_s=$(seconds cli qmrestore "$archive" 991) || { echo "bench-backup: qmrestore failed" >&2; exit 1; }
cmp -s "$image" "$root/var/lib/vz/images/991/vm-991-disk-0.raw" && same=yes || same=NO

mib=$(( gib * 1024 ))
rate() { echo "$mib / $1" | bc -l | xargs printf "%.0f"; }
ratio() { echo "$1 / $2" | bc -l | xargs printf "%.2f"; }
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
build=$([[ "$faro" == *release* ]] && echo "release build" || echo "build $faro")
report=$(cat <<REPORT
## Backup and restore (vzdump, qmrestore) ($(date -u +%Y-%m-%d), $machine)

$build; a $gib GiB raw disk on \`local\`, the first half random, the second zeros, read from the page cache; the CLIs
follow the tasks, so their times include the API round trips. Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg).

| measurement | result | target |
|---|---|---|
| \`vzdump --compress zstd\` vs \`zstd -1\` of the image | $(rate "$backup_s") MiB/s vs $(rate "$zstd_s") MiB/s, ratio $(ratio "$zstd_s" "$backup_s") (archive $archive_mib MiB) | >= 0.8 |
| \`qmrestore\` vs \`zstd -d\` of the archive | $(rate "$restore_s") MiB/s vs $(rate "$unzstd_s") MiB/s, ratio $(ratio "$unzstd_s" "$restore_s"); restored disk identical: $same | >= 0.8 |
| daemon RSS during the backup | peak $(( peak_kib / 1024 )) MiB (idle $(( idle_kib / 1024 )) MiB) | < 100 MiB |
REPORT
)
echo "$report"
python3 "$here/scripts/bench_report.py" "$here/BENCHMARKS.md" "$report"
