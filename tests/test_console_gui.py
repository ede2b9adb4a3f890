"""The VM console window in a real browser: /console.html asks vncproxy for a console, and
Debian's noVNC connects through vncwebsocket, authenticates with the one-time VNC password
and shows the VM's screen. A screenshot goes to artifacts/."""
import os, shutil, signal, tempfile

import pytest
import requests
import urllib3

from conftest import Daemon
from test_gui import ARTIFACTS, WEB_ROOT, browser, missing  # noqa: F401 (browser is a fixture)

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    pass

NOVNC = "/usr/share/novnc/core/rfb.js"
pytestmark = pytest.mark.skipif(bool(missing) or not os.path.exists(NOVNC),
                                reason="needs " + (", ".join(missing) or "Debian's novnc"))
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


def test_novnc_console_connects(console_daemon, browser):
    daemon = console_daemon
    assert daemon.cli("qm", "create", "320", "--name", "screen", "--memory", "64", "--kvm", "0").returncode == 0
    assert daemon.cli("qm", "start", "320").returncode == 0
    login = requests.post(daemon.url + "/api2/json/access/ticket", verify=False,
                          data={"username": "screen@pve", "password": "screen-password"}).json()["data"]

    browser.get(daemon.url + "/console.html")
    browser.add_cookie({"name": "PVEAuthCookie", "value": requests.utils.quote(login["ticket"], safe=""), "path": "/",
                        "secure": True})
    browser.execute_script("localStorage.setItem('faro-session-user', 'screen@pve')")
    browser.get(daemon.url + "/console.html?console=kvm&node=pytest&vmid=320&vmname=screen")
    state = lambda driver: driver.find_element(By.TAG_NAME, "body").get_attribute("data-console")
    WebDriverWait(browser, 30).until(lambda driver: state(driver) in ("connected", "error"))
    status = browser.find_element(By.ID, "console-status").text
    assert state(browser) == "connected", status
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#console-screen canvas"))
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.save_screenshot(os.path.join(ARTIFACTS, "gui-console.png"))

    # The console task runs while the window is connected and ends with it.
    tasks = daemon.cli("pvesh", "get", "/nodes/pytest/tasks", "--typefilter", "vncproxy", "--source", "active",
                       "--output-format", "json")
    assert '"vncproxy"' in tasks.stdout, tasks.stdout + tasks.stderr
    browser.get("about:blank")
