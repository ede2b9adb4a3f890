"""Shared fixtures: a real faro daemon on port 0 under a temporary root."""
import os, shutil, subprocess, tempfile, time

import pytest

FARO = os.environ.get("FARO_BIN", os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "faro"))


class Daemon:
    def __init__(self, root, web_root=None):
        self.root = root
        log = open(os.path.join(root, "daemon.log"), "w")
        arguments = [FARO, "daemon", "--root", root, "--node", "pytest", "--listen", "127.0.0.1:0", "--auth-delay-ms", "100"]
        if web_root:
            arguments += ["--web-root", web_root]
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + 30
        line = ""
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("listening on https://"):
                break
        else:
            raise RuntimeError("daemon did not start: " + open(os.path.join(root, "daemon.log")).read())
        self.port = int(line.strip().rsplit(":", 1)[1])

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def cli(self, *args, input=None):
        """Runs `faro --root ROOT <args>` and returns the completed process."""
        return subprocess.run([FARO, "--root", self.root, *args], capture_output=True, text=True, input=input)

    def pveum(self, *commands):
        """Runs `faro pveum` once per argument list, each of which must succeed."""
        for args in commands:
            result = self.cli("pveum", *args)
            assert result.returncode == 0, result.stderr

    def add_admin(self, user="admin@pve", password="admin-password"):
        """A `pve` user with the Administrator role on /, for the browser tests' logins."""
        self.pveum(["user", "add", user, "--password", password], ["acl", "modify", "/", "--users", user, "--roles", "Administrator"])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def daemon():
    root = tempfile.mkdtemp(prefix="faro-pytest-")
    node = Daemon(root)
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(root, ignore_errors=True)
