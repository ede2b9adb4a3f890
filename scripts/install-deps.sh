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
# Containers: the lxc tools (lxc-start, lxc-attach, ...); the tests' template is busybox-static.
packages+=(lxc)
# chromium and chromium-driver run the browser tests of the web GUI (tests/test_gui.py).
packages+=(chromium chromium-driver)
# The VM console in the browser: Debian's noVNC, served by the daemon below /novnc/.
packages+=(novnc)
# The container console and node shell in the browser: Debian's xterm.js. Bookworm's libjs-xterm
# has the stylesheet and addons but only a stub of the library, whose modules come from node-xterm.
packages+=(libjs-xterm node-xterm)
# Two-factor login: oathtool computes TOTP codes in the tests; node-qrcode-generator draws the
# QR code of a new TOTP secret in the browser (served below /qrcode/).
packages+=(oathtool node-qrcode-generator)
[[ "${1:-}" == "--bench" ]] && packages+=(wrk bc)

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
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python_missing=()
python3 -c "import openapi_spec_validator" 2>/dev/null || python_missing+=(openapi-spec-validator)
python3 -c "import pytest" 2>/dev/null || python_missing+=(pytest)
python3 -c "import proxmoxer, requests" 2>/dev/null || python_missing+=(proxmoxer==2.3.0 requests)
python3 -c "import selenium" 2>/dev/null || python_missing+=(selenium)
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
