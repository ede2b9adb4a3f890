"""Datacenter → Options and Node → System in headless Chromium against a real daemon: an
option and the node's DNS are edited through their dialogs, a bad value is refused in the
dialog, and everything is still there after a reload (and in the files under the node root)."""
import os, shutil, tempfile

import pytest

from conftest import Daemon
from test_gui import browser, css, login, open_side, screenshot, wait, webdriver  # noqa: F401
from test_gui_guests import pvesh, set_field, submit_form

if webdriver is not None:
    from selenium.webdriver.common.by import By

pytestmark = pytest.mark.skipif(webdriver is None or shutil.which("chromium") is None, reason="browser tests need selenium and chromium")


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-gui-system-")
    daemon = Daemon(root, web_root=os.path.join(os.path.dirname(__file__), "..", "web"))
    try:
        daemon.add_admin()
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def grid_row(driver, label):
    """The row whose text starts with the label; a panel that re-renders meanwhile is waited out."""
    def row(d):
        return next((row for row in d.find_elements(By.CSS_SELECTOR, "#panel-body .grid-row") if row.text.startswith(label)), None)
    return wait(driver, row)


def row_text(driver, label):
    return wait(driver, lambda d: grid_row(d, label).text)


def edit_row(driver, label):
    def double_click(d):
        webdriver.ActionChains(d).double_click(grid_row(d, label)).perform()
        return True
    wait(driver, double_click)
    return css(driver, ".form-window")


def refused_in_dialog(driver, name, value, message):
    """Submits a bad value: the dialog stays open and shows the API's message at the field."""
    set_field(driver, ".form-window", name, value)
    css(driver, ".form-window button.primary").click()
    error = css(driver, f".form-window #error-{name}")
    assert message in error.text, error.text


def test_a_datacenter_option_is_edited_and_persists(browser, node):
    login(browser, node, "admin", "admin-password")
    browser.execute_script("location.hash = '#root:options'")
    assert "BC:24:11" in row_text(browser, "MAC address prefix"), "the default is shown"

    edit_row(browser, "MAC address prefix")
    refused_in_dialog(browser, "mac_prefix", "not-a-prefix", "valid unicast MAC address prefix")
    set_field(browser, ".form-window", "mac_prefix", "BC:24:11:7")
    submit_form(browser)
    wait(browser, lambda d: "BC:24:11:7" in row_text(d, "MAC address prefix"))

    assert "Lower: 100, Upper: 1000000" in row_text(browser, "Next Free VMID Range"), "readable, not lower=100,upper=1000000"
    edit_row(browser, "Next Free VMID Range")
    set_field(browser, ".form-window", "lower", "5000")
    set_field(browser, ".form-window", "upper", "6000")
    submit_form(browser)
    wait(browser, lambda d: "Lower: 5000, Upper: 6000" in row_text(d, "Next Free VMID Range"))
    screenshot(browser, "datacenter-options")

    browser.refresh()
    wait(browser, lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
    assert "BC:24:11:7" in row_text(browser, "MAC address prefix")
    options = pvesh(node, "get", "/cluster/options")
    assert options["mac_prefix"] == "BC:24:11:7" and options["next-id"] == {"lower": 5000, "upper": 6000}
    assert pvesh(node, "get", "/cluster/nextid") == "5000", "the range takes effect"

    edit_row(browser, "MAC address prefix")
    set_field(browser, ".form-window", "mac_prefix", "")
    submit_form(browser)
    wait(browser, lambda d: "BC:24:11:7" not in row_text(d, "MAC address prefix"))
    assert "mac_prefix" not in pvesh(node, "get", "/cluster/options"), "an empty value deletes the option"


def test_node_dns_hosts_and_time_are_edited_and_persist(browser, node):
    login(browser, node, "admin", "admin-password")
    browser.execute_script("location.hash = '#node%2Fpytest:system'")
    wait(browser, lambda d: d.find_element(By.ID, "panel-body").get_attribute("data-tab") == "system")
    for entry in ("dns", "hosts", "time", "syslog"):
        assert "sub" in browser.find_element(By.ID, f"side-{entry}").get_attribute("class")
    open_side(browser, "dns")
    edit_row(browser, "Search domain")
    set_field(browser, ".form-window", "search", "lab.example")
    set_field(browser, ".form-window", "dns1", "192.0.2.53")
    refused_in_dialog(browser, "dns2", "999.1.1.1", "valid IP address")
    set_field(browser, ".form-window", "dns2", "2001:db8::53")
    submit_form(browser)
    wait(browser, lambda d: "192.0.2.53" in row_text(d, "DNS server 1"))
    screenshot(browser, "node-dns")

    browser.refresh()
    wait(browser, lambda d: d.find_element(By.ID, "panel-body").get_attribute("data-tab") == "dns")
    assert "lab.example" in row_text(browser, "Search domain")
    assert "2001:db8::53" in row_text(browser, "DNS server 2")
    resolv = open(os.path.join(node.root, "etc", "resolv.conf")).read()
    assert resolv == "search lab.example\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n"

    open_side(browser, "hosts")
    editor = css(browser, "#hosts-text")
    editor.send_keys("192.0.2.10 pve1.lab.example pve1\n")
    css(browser, "#hosts-save").click()
    hosts = os.path.join(node.root, "etc", "hosts")
    wait(browser, lambda d: os.path.exists(hosts) and open(hosts).read() == "192.0.2.10 pve1.lab.example pve1\n")
    assert pvesh(node, "get", "/nodes/pytest/hosts")["data"] == "192.0.2.10 pve1.lab.example pve1\n"

    open_side(browser, "time")
    edit_row(browser, "Time zone")
    refused_in_dialog(browser, "timezone", "Nowhere/Atlantis", "No such timezone")
    set_field(browser, ".form-window", "timezone", "Europe/Madrid")
    submit_form(browser)
    wait(browser, lambda d: "Europe/Madrid" in row_text(d, "Time zone"))
    assert pvesh(node, "get", "/nodes/pytest/time")["timezone"] == "Europe/Madrid"
    screenshot(browser, "node-time")

    open_side(browser, "syslog")
    journal = pvesh(node, "get", "/nodes/pytest/syslog", "--limit", "1000000")
    expected = journal[-1]["t"] if journal else "No log entries"  # the view shows the journal's tail
    wait(browser, lambda d: expected in d.find_element(By.ID, "syslog").text)
    screenshot(browser, "node-syslog")
