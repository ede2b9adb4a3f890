"""The console windows in a real browser: /console.html asks vncproxy for a VM's console,
and Debian's noVNC connects through vncwebsocket, authenticates with the one-time VNC
password and shows the VM's screen; for a container it asks termproxy, and xterm.js shows
the container's terminal. Screenshots go to artifacts/."""
import os, shutil, signal, subprocess, tempfile

import pytest
import requests
import urllib3

from conftest import Daemon
from test_gui import ARTIFACTS, WEB_ROOT, browser, missing  # noqa: F401 (browser is a fixture)
from test_lxc import build_template, missing as lxc_missing

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    pass

NOVNC = "/usr/share/novnc/core/rfb.js"
pytestmark = pytest.mark.skipif(bool(missing), reason="needs " + ", ".join(missing))
urllib3.disable_warnings()


@pytest.fixture
def console_daemon():
    root = tempfile.mkdtemp(prefix="faro-console-")
    node = Daemon(root, web_root=WEB_ROOT)
    try:
        for args in (["user", "add", "screen@pve", "--password", "screen-password"],
                     ["acl", "modify", "/", "--users", "screen@pve", "--roles", "Administrator"]):
            assert node.cli("pveum", *args).returncode == 0
        yield node
    finally:
        try:
            os.kill(int(open(os.path.join(root, "run/faro/qemu/320.pid")).read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        node.stop()
        shutil.rmtree(root, ignore_errors=True)


def open_console(daemon, browser, query):
    """Opens /console.html?QUERY logged in as screen@pve and waits until it is connected."""
    login = requests.post(daemon.url + "/api2/json/access/ticket", verify=False,
                          data={"username": "screen@pve", "password": "screen-password"}).json()["data"]
    browser.get(daemon.url + "/console.html")
    browser.add_cookie({"name": "PVEAuthCookie", "value": requests.utils.quote(login["ticket"], safe=""), "path": "/",
                        "secure": True})
    browser.execute_script("localStorage.setItem('faro-session-user', 'screen@pve')")
    browser.get(f"{daemon.url}/console.html?{query}")
    state = lambda driver: driver.find_element(By.TAG_NAME, "body").get_attribute("data-console")
    WebDriverWait(browser, 30).until(lambda driver: state(driver) in ("connected", "error"))
    status = browser.find_element(By.ID, "console-status").text
    assert state(browser) == "connected", status


@pytest.mark.skipif(not os.path.exists(NOVNC), reason="needs Debian's novnc")
def test_novnc_console_connects(console_daemon, browser):
    daemon = console_daemon
    assert daemon.cli("qm", "create", "320", "--name", "screen", "--memory", "64", "--kvm", "0").returncode == 0
    assert daemon.cli("qm", "start", "320").returncode == 0

    open_console(daemon, browser, "console=kvm&node=pytest&vmid=320&vmname=screen")
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#console-screen canvas"))
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.save_screenshot(os.path.join(ARTIFACTS, "gui-console.png"))

    # The console task runs while the window is connected and ends with it.
    tasks = daemon.cli("pvesh", "get", "/nodes/pytest/tasks", "--typefilter", "vncproxy", "--source", "active",
                       "--output-format", "json")
    assert '"vncproxy"' in tasks.stdout, tasks.stdout + tasks.stderr
    browser.get("about:blank")


XTERM = "/usr/share/nodejs/xterm/lib/public/Terminal.js"


@pytest.mark.skipif(lxc_missing() is not None or not os.path.exists(XTERM),
                    reason=f"needs {lxc_missing() or 'Debian node-xterm'}")
def test_xterm_container_console(console_daemon, browser):
    """The container console window: xterm.js renders the tty of a running busybox container,
    and what is typed there runs inside."""
    daemon = console_daemon
    os.chmod(daemon.root, 0o755)
    cache = os.path.join(daemon.root, "var/lib/vz/template/cache")
    os.makedirs(cache, exist_ok=True)
    build_template(os.path.join(cache, "bbox_1.0_amd64.tar.gz"), inittab="tty1::respawn:-/bin/sh\n")
    try:
        created = daemon.cli("pct", "create", "331", "local:vztmpl/bbox_1.0_amd64.tar.gz", "--rootfs", "local:0",
                             "--hostname", "xtermbox", "--ostype", "alpine", "--memory", "96")
        assert created.returncode == 0, created.stderr
        assert daemon.cli("pct", "start", "331").returncode == 0
        open_console(daemon, browser, "console=lxc&node=pytest&vmid=331&vmname=xtermbox")
        WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#console-screen .xterm-rows"))
        assert browser.title == "CT 331 - Console"
        keys = browser.find_element(By.CSS_SELECTOR, "#console-screen .xterm-helper-textarea")
        keys.send_keys("\n")
        keys.send_keys("echo xterm-$((6*7))\n")
        rows = lambda driver: driver.find_element(By.CSS_SELECTOR, "#console-screen .xterm-rows").text
        WebDriverWait(browser, 20).until(lambda driver: "\nxterm-42" in rows(driver))
        browser.save_screenshot(os.path.join(ARTIFACTS, "gui-console-ct.png"))
        browser.get("about:blank")
    finally:
        subprocess.run(["lxc-stop", "-P", os.path.join(daemon.root, "var/lib/faro/lxc"), "-n", "331", "--kill"],
                       capture_output=True)
