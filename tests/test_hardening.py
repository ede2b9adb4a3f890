"""Bad and stalling clients against a real daemon (issues 23 and 24): every malformed request
gets a 4xx and a closed connection, a request head must arrive in time, and one client address
cannot take every connection."""
import socket, ssl, time, urllib.parse, json

import pytest

CONTEXT = ssl.create_default_context()
CONTEXT.check_hostname = False
CONTEXT.verify_mode = ssl.CERT_NONE


def connect(daemon, source="127.0.0.1", timeout=5.0):
    raw = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout, source_address=(source, 0))
    return CONTEXT.wrap_socket(raw, server_hostname="localhost")


def read_until_closed(conn, limit=10.0):
    """Everything the server sends until it closes the connection, and how long that took."""
    start = time.monotonic()
    data = b""
    conn.settimeout(limit)
    try:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, ConnectionResetError):
        pass
    return data, time.monotonic() - start


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"THIS IS NOT HTTP\r\n\r\n", b"400"),
        (b"GET /api2/json/version\xff HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
        (b"GET /api2/json/version HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", b"431"),
        (b"GET /api2/json/version?" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ],
    ids=["garbage-line", "ff-byte", "100k-header", "100k-uri"],
)
def test_malformed_requests_are_answered_and_closed(daemon, request_bytes, status):
    conn = connect(daemon)
    try:
        conn.sendall(request_bytes)
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        pass  # the server may close while a 100 KB request is still being written
    data, took = read_until_closed(conn)
    conn.close()
    first = data.split(b"\r\n", 1)[0]
    assert first.startswith(b"HTTP/1.1 4"), (first, data[:200])
    if status:
        assert first.split(b" ")[1] == status, first
    else:
        assert first.split(b" ")[1] in (b"414", b"431"), first
    assert took < 3, f"connection stayed open {took:.1f} s after the answer"
    assert version_answers(daemon)


def version_answers(daemon, source="127.0.0.1", timeout=5.0):
    conn = connect(daemon, source, timeout)
    try:
        conn.sendall(b"GET /api2/json/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data, _ = read_until_closed(conn, timeout)
    finally:
        conn.close()
    return data.startswith(b"HTTP/1.1 401")


def test_a_head_that_trickles_in_is_closed(daemon):
    conn = connect(daemon)
    conn.settimeout(1)
    conn.sendall(b"GET /api2/json/version HTTP/1.1\r\n")
    start = time.monotonic()
    closed_after = None
    while time.monotonic() - start < 25:
        try:
            conn.sendall(b"X")  # one byte a second, never a complete head
        except (ssl.SSLError, OSError):
            closed_after = time.monotonic() - start
            break
        try:
            if conn.recv(100) == b"":
                closed_after = time.monotonic() - start
                break
        except socket.timeout:
            pass
        except (ssl.SSLError, OSError):
            closed_after = time.monotonic() - start
            break
    conn.close()
    assert closed_after is not None, "a head that never completes must be closed"
    assert closed_after < 15, closed_after


def test_one_address_cannot_take_every_connection(daemon):
    held = []
    try:
        # 820 connections from 127.0.0.1: some stall in the TLS handshake, some send half a
        # head one byte at a time, some a malformed line and then wait.
        for index in range(820):
            raw = socket.socket()
            raw.setblocking(True)
            raw.settimeout(5)
            try:
                raw.connect(("127.0.0.1", daemon.port))
            except OSError:
                raw.close()
                continue
            held.append(raw)
        start = time.monotonic()
        assert version_answers(daemon, source="127.0.0.2", timeout=5)
        took = time.monotonic() - start
        assert took < 1.0, f"/version from another address took {took:.2f} s"
    finally:
        for raw in held:
            raw.close()


def test_duplicate_json_keys_and_huge_numbers_are_refused(daemon):
    daemon.add_admin()
    conn = connect(daemon)
    body = urllib.parse.urlencode({"username": "admin@pve", "password": "admin-password"}).encode()
    conn.sendall(
        b"POST /api2/json/access/ticket HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    data, _ = read_until_closed(conn)
    conn.close()
    ticket = json.loads(data.split(b"\r\n\r\n", 1)[1])["data"]
    cookie = "PVEAuthCookie=" + urllib.parse.quote(ticket["ticket"])

    def put(raw_json):
        conn = connect(daemon)
        conn.sendall(
            b"PUT /api2/json/cluster/options HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + b"Cookie: " + cookie.encode() + b"\r\nCSRFPreventionToken: " + ticket["CSRFPreventionToken"].encode()
            + b"\r\nContent-Length: " + str(len(raw_json)).encode() + b"\r\n\r\n" + raw_json
        )
        data, _ = read_until_closed(conn)
        conn.close()
        return data

    for raw, name in [
        (b'{"max_workers": 1e19}', b"max_workers"),
        (b'{"max_workers": 1e999999}', b"number out of range"),
        (b'{"max_workers": 4, "max_workers": 5}', b"duplicate key 'max_workers'"),
        (b'{"keyboard": "de\\u0000"}', b"keyboard"),
    ]:
        reply = put(raw)
        assert reply.startswith(b"HTTP/1.1 400"), reply[:300]
        assert name in reply, reply[:500]
    assert daemon.process.poll() is None, "the daemon must still run"
    assert b"max_workers" not in (daemon.cli("pvesh", "get", "/cluster/options", "--output-format", "json").stdout.encode())
