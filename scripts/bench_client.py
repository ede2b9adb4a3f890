"""A benchmark's API client: one kept-alive HTTPS connection with API token auth.

A timed call should cost what the daemon does for it, not a TLS handshake and a process
start per request (curl) as a long-lived client like proxmoxer or the GUI never pays them.
"""
import http.client
import json
import ssl


class KeepAliveAPI:
    def __init__(self, port, token, base="/api2/json"):
        self.port, self.base = port, base
        self.headers = {"Authorization": f"PVEAPIToken={token}"}
        self.connection = None

    def _connect(self):
        context = ssl._create_unverified_context()
        self.connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=60)
        self.connection.connect()

    def call(self, method, path, params=None, base=None):
        """Sends one request (form-encoded `params` for POST/PUT) and returns `data`."""
        url = (self.base if base is None else base) + path
        body, headers = None, dict(self.headers)
        if params:
            body = "&".join(f"{key}={value}" for key, value in params.items())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self._connect()
            try:
                self.connection.request(method, url, body=body, headers=headers)
                reply = self.connection.getresponse()
                payload = reply.read()
                break
            except (http.client.HTTPException, OSError):
                # The daemon closed an idle connection: reconnect once, outside any timing that matters.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        if reply.status != 200:
            raise SystemExit(f"{method} {path}: {reply.status} {reply.reason} {payload[:200]!r}")
        return json.loads(payload)["data"]

    def warm(self):
        """Opens the connection before anything is timed."""
        self.call("GET", "/api2/json/version", base="")
