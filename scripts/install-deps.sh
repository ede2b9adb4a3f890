#!/usr/bin/env bash
# Installs what building, running and testing Faro needs on Debian 12, and nothing twice:
# Debian packages through apt-get (as root), Python test tools through pip.
# With --bench, also the benchmark tools.
set -euo pipefail

packages=(libsqlite3-dev libpam0g-dev curl python3 python3-pip openssl)
# Storage: qemu-img for images, btrfs-progs for the btrfs plugin (tested on a loop device).
packages+=(qemu-utils btrfs-progs)
# Real-VM tests: QEMU, a static busybox for the test guest's initramfs, cpio to check the
# archives; the guest kernel itself is fetched by the tests with `apt-get download` into a cache.
packages+=(qemu-system-x86 ovmf busybox-static cpio)
# Cloud-init drives: genisoimage writes the image (isoinfo, in the same package, reads it back in tests).
packages+=(genisoimage)
# A VM's TPM (tpmstate0): swtpm, and swtpm_setup from swtpm-tools to manufacture a new state.
packages+=(swtpm swtpm-tools)
# Containers: the lxc tools (lxc-start, lxc-attach, ...); the tests' template is busybox-static.
packages+=(lxc)
# Backups: the compressors vzdump pipes through (zstd, lzop; gzip is essential), and the acl
# and attr tools the container backup tests set owners' ACLs and xattrs with.
packages+=(zstd lzop acl attr)
# chromium and chromium-driver run the browser tests of the web GUI (tests/test_gui.py).
packages+=(chromium chromium-driver)
# The VM console in the browser: Debian's noVNC, served by the daemon below /novnc/.
packages+=(novnc)
# The container console and node shell in the browser: Debian's xterm.js. Bookworm's libjs-xterm
# has the stylesheet and addons but only a stub of the library, whose modules come from node-xterm.
packages+=(libjs-xterm node-xterm)
# The cluster's store: Debian's etcd. Faro runs each node's member itself (EtcdMember, under the
# node root); Debian's own etcd.service and init script must never start, see below.
packages+=(etcd-server)
# The Summary panels' metrics graphs: Debian's Chart.js, served by the daemon below /chartjs/.
packages+=(libjs-chart.js)
# Metric server tests: a real InfluxDB and Graphite receiver (started by the tests on loopback
# ports; the packages' own services stay off) and whisper-fetch to read what carbon stored.
packages+=(influxdb graphite-carbon python3-whisper)
# Prometheus scraping Faro's /metrics in tests/test_prometheus.py (its service stays off).
packages+=(prometheus)
# Two-factor login: oathtool computes TOTP codes in the tests; node-qrcode-generator draws the
# QR code of a new TOTP secret in the browser (served below /qrcode/).
packages+=(oathtool node-qrcode-generator)
[[ "${1:-}" == "--bench" ]] && packages+=(wrk bc)

# Debian's etcd never runs on a Faro node: its unit stays masked (also at boot) and the init
# script's runlevel links are disabled. Each node's member is Faro's own process.
keep_debian_etcd_down() {
    mkdir -p /etc/systemd/system
    ln -sfn /dev/null /etc/systemd/system/etcd.service
    rm -f /etc/systemd/system/multi-user.target.wants/etcd.service /etc/systemd/system/etcd2.service
    if [[ -x /etc/init.d/etcd ]] && command -v update-rc.d >/dev/null; then update-rc.d etcd disable >/dev/null 2>&1 || true; fi
}

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing Debian packages: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
        echo "need root to install ${missing[*]} (run as root or install them first)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # etcd-server's postinst enables and starts etcd.service (or /etc/init.d/etcd without
    # systemd). Mask the unit first (a mask made by hand survives the postinst's unmask, which
    # only undoes masks of its own), and where no policy-rc.d exists, refuse the init script's
    # start for the duration of the install with one that allows every other service.
    keep_debian_etcd_down
    policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n[ "$1" = etcd ] && exit 101\nexit 0\n' > "$policy"
        chmod 755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [[ -n "$policy" ]]; then rm -f "$policy"; fi
fi
if [[ $(id -u) -eq 0 ]]; then keep_debian_etcd_down; fi

python_missing=()
python3 -c "import openapi_spec_validator" 2>/dev/null || python_missing+=(openapi-spec-validator)
python3 -c "import pytest" 2>/dev/null || python_missing+=(pytest)
python3 -c "import proxmoxer, requests" 2>/dev/null || python_missing+=(proxmoxer==2.3.0 requests)
python3 -c "import selenium" 2>/dev/null || python_missing+=(selenium)
# prometheus-pve-exporter scraping Faro (tests/test_prometheus.py).
command -v pve_exporter >/dev/null || python_missing+=(prometheus-pve-exporter==3.10.2)
python3 -c "import websocket" 2>/dev/null || python_missing+=(websocket-client)
# The API fuzzer of tests/test_fuzz.py (and of `make bench`, with a larger budget).
python3 -c "import schemathesis, sys; sys.exit(not schemathesis.__version__.startswith('4.'))" 2>/dev/null \
    || python_missing+=(schemathesis==4.32.5)
if ((${#python_missing[@]})); then
    echo "installing from PyPI: ${python_missing[*]}"
    python3 -m pip install --quiet --root-user-action=ignore "${python_missing[@]}" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "${python_missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        echo "swift is at /opt/swift/usr/bin; add it to PATH" >&2
    else
        echo "Swift 6 is required (https://www.swift.org/install/); it is not on PATH" >&2
    fi
    exit 1
fi
