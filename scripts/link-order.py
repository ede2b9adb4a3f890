#!/usr/bin/env python3
"""Writes the link order of the daemon's hot code (scripts/faro.order) from a profile.

Linux maps a file page and the cached pages around it (64 KiB) at each fault, so the daemon's
resident code is every 64 KiB window that holds a function it ran. Packing the functions a
daemon runs (start, login, the common API calls, the GUI's first requests) next to each other at
the front of .text makes those windows few. This script finds them: it starts the release daemon
with the executable dropped from the page cache and readahead off, so that only the pages it
touches are read and mapped, drives it through that workload, reads which pages of .text are
present (/proc/PID/pagemap) and lists the functions on them, in address order, for lld's
--symbol-ordering-file. Run as root on an idle machine; it restores readahead when done.

    scripts/link-order.py [BINARY] [OUTPUT]

Profile a release build linked without the order file (or with the current one: the function
names are what counts). Page granularity lists a touched function's neighbours too; Swift puts
only public functions in sections of their own (internal ones and async continuations share one
section per source file), so the order is per function for those and per file for the rest.
After a rebuild with the new order, `make bench` shows the idle RSS.
"""
import json
import os
import re
import shutil
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, ".build/release/faro"))
output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "scripts/faro.order")


def block_device_readahead(path):
    """The read_ahead_kb file of the block device holding `path`."""
    device = os.stat(path).st_dev
    sysfs = f"/sys/dev/block/{os.major(device)}:{os.minor(device)}"
    for candidate in (sysfs + "/queue/read_ahead_kb", sysfs + "/../queue/read_ahead_kb"):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"link-order: no read_ahead_kb for the device of {path}")


def drop_from_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def text_pages(pid, binary):
    """File offsets of the pages of the executable's code mapping that are present."""
    for line in open(f"/proc/{pid}/maps"):
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "r-xp" and os.path.realpath(fields[5]) == binary:
            start, end = (int(x, 16) for x in fields[0].split("-"))
            offset = int(fields[2], 16)
            break
    else:
        raise SystemExit("link-order: the daemon maps no code from " + binary)
    count = (end - start) // 4096
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        pagemap.seek(start // 4096 * 8)
        entries = pagemap.read(count * 8)
    present = set()
    for index in range(count):
        (entry,) = struct.unpack_from("<Q", entries, index * 8)
        if entry >> 63:
            present.add(offset // 4096 + index)
    return present


def workload(port, secret, node):
    """The calls a running node serves all day, and the GUI's first page."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    base = f"https://127.0.0.1:{port}"
    token = {"Authorization": f"PVEAPIToken=root@pam!order={secret}"}

    def call(path, method="GET", data=None, headers=token):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, context=context, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            return error.read()

    for _ in range(3):
        for path in ("/api2/json/version", "/api2/json/cluster/resources", "/api2/json/cluster/status",
                     "/api2/json/nodes", f"/api2/json/nodes/{node}/status", f"/api2/json/nodes/{node}/tasks",
                     f"/api2/json/nodes/{node}/storage", "/api2/json/cluster/nextid", "/api2/json/access/acl",
                     f"/api2/json/nodes/{node}/qemu", f"/api2/json/nodes/{node}/lxc", "/api2/json/nodes/nowhere/status",
                     "/", "/api2/json/cluster/resources?type=vm"):
            call(path)
        call("/api2/json/access/ticket", "POST", {"username": "root@pam", "password": "wrong"}, headers={})


def touched_pages(binary):
    """Pages of `binary`'s code that a daemon run from a cold page cache maps."""
    root = tempfile.mkdtemp(prefix="faro-order-")
    readahead = block_device_readahead(binary)
    saved = open(readahead).read().strip()
    daemon = None
    try:
        drop_from_cache(binary)
        with open(readahead, "w") as f:
            f.write("0")
        daemon = subprocess.Popen([binary, "daemon", "--root", root, "--node", "order", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = daemon.stdout.readline()
        port = re.search(r":(\d+)\s*$", line).group(1)
        token = subprocess.run([binary, "--root", root, "pveum", "user", "token", "add", "root@pam", "order",
                                "--privsep", "0", "--output-format", "json"], capture_output=True, text=True, check=True)
        workload(port, json.loads(token.stdout)["value"], "order")
        time.sleep(2)
        return text_pages(daemon.pid, binary)
    finally:
        with open(readahead, "w") as f:
            f.write(saved)
        if daemon:
            daemon.terminate()
            daemon.wait()
        shutil.rmtree(root, ignore_errors=True)


def functions_on(binary, pages):
    """The functions of `binary` that lie on the given pages (numbered by file offset)."""
    symbols = []
    listing = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "Tt" and parts[0]:
            symbols.append((int(parts[0], 16), parts[2]))
    # nm prints addresses: the code segment's address minus its file offset turns one into the other.
    headers = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    load = next(line.split() for line in headers.splitlines() if line.split()[:1] == ["LOAD"] and " R E " in line)
    delta = int(load[2], 16) - int(load[1], 16)
    pages = {(page * 4096 + delta) // 4096 for page in pages}
    found = []
    for index, (address, name) in enumerate(symbols):
        end = symbols[index + 1][0] if index + 1 < len(symbols) else address + 1
        if any(page in pages for page in range(address // 4096, max(address, end - 1) // 4096 + 1)):
            found.append(name)
    return found


def main():
    if os.geteuid() != 0:
        raise SystemExit("link-order: needs root (page cache and readahead settings)")
    pages = touched_pages(binary)
    names = list(dict.fromkeys(functions_on(binary, pages)))
    with open(output, "w") as f:
        f.write("\n".join(names) + "\n")
    print(f"link-order: {len(pages)} pages of code touched, {len(names)} functions on them written to {output}")


main()
