#!/usr/bin/env bash
# `make run`: starts the node daemon for this machine with its data under ROOT (default:
# ./data in the checkout; ROOT=/ for a real installation) and prints how to reach it.
# FARO_BIN runs that binary instead of the release build (the tests use the debug one).
set -euo pipefail
root=$1
listen=$2
here=$(cd "$(dirname "$0")/.." && pwd)
faro=${FARO_BIN:-$here/.build/release/faro}
mkdir -p "$root"

args=(daemon --root "$root" --listen "$listen")
[[ -d "$here/web" ]] && args+=(--web-root "$here/web")

# The daemon's standard output comes through a FIFO opened here as descriptor 3: its first
# line names the port, the rest is copied to the terminal by a background `cat`. (A coproc
# does not do: bash closes its descriptors in background jobs, so that `cat` could not read.)
fifo_directory=$(mktemp -d)
mkfifo "$fifo_directory/stdout"
"$faro" "${args[@]}" >"$fifo_directory/stdout" &
daemon_pid=$!
exec 3<"$fifo_directory/stdout"
rm -r "$fifo_directory"
# Ctrl-C reaches the daemon too, but a background job may ignore it: ask it to stop in words
# it always hears, then wait below until it has.
trap 'kill -TERM "$daemon_pid" 2>/dev/null || true' INT TERM

if ! read -r line <&3 || [[ $line != "listening on "* ]]; then
    wait "$daemon_pid" || true
    exit 1
fi
port=${line##*:}
# A daemon listening on one address is reached there; on all of them, by the host's name.
host=${listen%:*}
host=${host#[}
host=${host%]}
if [[ -z $host || $host == 0.0.0.0 || $host == :: ]]; then host=$(hostname -f 2>/dev/null || hostname); fi
[[ $host == *:* ]] && host="[$host]"
cat <<INFO

  Faro is running.
    URL:          https://$host:$port/   (API: https://$host:$port/api2/json)
    Certificate:  $("$faro" --root "$root" fingerprint)  (self-signed, SHA-256)
    Node root:    $root
    Local CLI:    sudo $faro --root $root pvesh get /version
                  (or a symlink named pvesh to $faro, with FARO_ROOT=$root)
    Log in:       as root@pam with this machine's root password.
    Stop:         Ctrl-C

INFO
cat <&3 &
copier_pid=$!
exec 3<&-

# A signal ends `wait` early with a status above 128 while the daemon may still be stopping.
status=0
wait "$daemon_pid" || status=$?
while ((status > 128)) && kill -0 "$daemon_pid" 2>/dev/null; do
    status=0
    wait "$daemon_pid" || status=$?
done
wait "$copier_pid" || true
exit "$status"
