"""Every node in the GUI: another node that publishes its status into this node's store shows in
the tree with its guests (one running) and its task in the log panel; when it stops publishing,
its lease runs out, the node is greyed out and its guests show an unknown state. The other node
is simulated by `faro-store-tool publish-status`, which publishes what a daemon publishes."""
import os, shutil, subprocess, tempfile

import pytest

from conftest import Daemon
from test_gui import STORE_TOOL, WEB_ROOT, browser, css, login, screenshot, wait, webdriver  # noqa: F401

if webdriver is not None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.skipif(webdriver is None or shutil.which("chromium") is None, reason="browser tests need selenium and chromium")


@pytest.fixture(scope="module")
def cluster():
    root = tempfile.mkdtemp(prefix="faro-gui-cluster-")
    database = os.path.join(root, "var", "lib", "faro", "config.db")
    os.makedirs(os.path.dirname(database))
    subprocess.run([STORE_TOOL, "seed-guests", database, "far", "3"], check=True, capture_output=True)
    daemon = Daemon(root, web_root=WEB_ROOT)
    publisher = None
    try:
        daemon.add_admin()
        publisher = subprocess.Popen([STORE_TOOL, "publish-status", database, "far", "600"], stdout=subprocess.PIPE, text=True)
        assert publisher.stdout.readline().strip() == "publishing"
        daemon.publisher = publisher
        yield daemon
    finally:
        if publisher and publisher.poll() is None:
            publisher.terminate()
            publisher.wait(timeout=10)
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def row_classes(driver, kind_id):
    return driver.execute_script(
        "const row = document.querySelector(`.tree-row[data-id='${arguments[0]}']`);"
        "return row ? row.className + ' ' + row.querySelector('.node-icon').className : null", kind_id)


def test_another_node_its_guests_and_tasks_then_it_goes_away(browser, cluster):
    login(browser, cluster, "admin", "admin-password")
    Select(browser.find_element(By.CSS_SELECTOR, ".tree-view")).select_by_value("server")
    wait(browser, lambda d: "status-online" in (row_classes(d, "node/far") or ""))
    wait(browser, lambda d: "status-running" in (row_classes(d, "qemu/100") or ""))
    assert "status-stopped" in row_classes(browser, "qemu/101"), "a guest the node does not report running is stopped"
    assert "dimmed" not in row_classes(browser, "node/far")
    assert "status-online" in row_classes(browser, "node/pytest")
    wait(browser, lambda d: any("far" in row.text for row in d.find_elements(By.CSS_SELECTOR, "#log-pane .grid-row")))
    bottom = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#log-pane .grid-row")]
    assert any("far" in text and "root@pam" in text for text in bottom), f"the log panel lists the other node's task: {bottom}"
    screenshot(browser, "cluster-online")

    cluster.publisher.terminate()
    cluster.publisher.wait(timeout=10)
    wait(browser, lambda d: "dimmed" in (row_classes(d, "node/far") or ""), timeout=15)
    assert "status-offline" in row_classes(browser, "node/far")
    for vmid in (100, 101, 102):
        classes = row_classes(browser, f"qemu/{vmid}")
        assert "dimmed" in classes and "status-unknown" in classes, f"qemu/{vmid}: {classes}"
    assert "dimmed" not in row_classes(browser, "node/pytest"), "this node stays online"
    title = browser.execute_script("return document.querySelector(`.tree-row[data-id='qemu/100']`).title")
    assert title == "unknown"
    screenshot(browser, "cluster-offline")
