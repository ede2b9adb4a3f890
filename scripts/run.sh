#!/usr/bin/env bash
# `make run`: starts the node daemon for this machine with its data under ROOT (default:
# ./data in the checkout; ROOT=/ for a real installation) and prints how to reach it.
set -euo pipefail
root=$1
listen=$2
here=$(cd "$(dirname "$0")/.." && pwd)
faro=$here/.build/release/faro
mkdir -p "$root"

args=(daemon --root "$root" --listen "$listen")
[[ -d "$here/web" ]] && args+=(--web-root "$here/web")

coproc DAEMON { exec "$faro" "${args[@]}"; }
daemon_pid=$DAEMON_PID
trap 'kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid"' INT TERM

read -r line <&"${DAEMON[0]}" || { wait "$daemon_pid"; exit 1; }
port=${line##*:}
host=$(hostname -f 2>/dev/null || hostname)
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
cat <&"${DAEMON[0]}" &
wait "$daemon_pid"
