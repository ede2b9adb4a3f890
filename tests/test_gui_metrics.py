"""The Summary panels' metrics graphs in headless Chromium against a real daemon: the node's,
a VM's, the storage's and the datacenter's graphs draw points of `rrddata`, the time frame and
the consolidation switch what is drawn, and the node's hour grows from the resource stream."""
import os, shutil, tempfile, time

import pytest

from conftest import Daemon
from test_gui import browser, css, login, screenshot, wait, webdriver  # noqa: F401
from test_gui_guests import pvesh

if webdriver is not None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.skipif(webdriver is None or shutil.which("chromium") is None, reason="browser tests need selenium and chromium")
CHART_JS = "/usr/share/javascript/chart.js/chart.esm.js"


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-gui-metrics-")
    daemon = Daemon(root, web_root=os.path.join(os.path.dirname(__file__), "..", "web"))
    try:
        daemon.add_admin()
        pvesh(daemon, "create", "/nodes/pytest/qemu", "--vmid", "300", "--memory", "256", "--name", "graphed")
        # The collection loop runs every 10 s; counters need two rounds before a point exists.
        deadline = time.time() + 40
        while time.time() < deadline:
            points = pvesh(daemon, "get", "/nodes/pytest/qemu/300/rrddata", "--timeframe", "hour")
            if any("maxmem" in point for point in points):
                break
            time.sleep(1)
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def drawn(driver, section):
    """Points with a value in the first line of each chart of a graph section."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' canvas')].map((c) => c.chart.data.datasets[0].data.filter((p) => p.y !== null).length)",
        section)


def spacing(driver, section):
    return driver.execute_script(
        "const data = document.querySelector(arguments[0] + ' canvas').chart.data.datasets[0].data; return data[1].x - data[0].x", section)


@pytest.mark.skipif(not os.path.exists(CHART_JS), reason="needs Debian's libjs-chart.js")
def test_node_graphs_show_the_history_and_switch_time_frames(browser, node):
    login(browser, node, "admin", "admin-password")
    browser.execute_script("localStorage.removeItem('faro-graphs')")
    browser.execute_script("location.hash = '#node%2Fpytest:summary'")
    css(browser, "#rrd-cpu canvas")
    wait(browser, lambda d: all(count > 0 for count in drawn(d, "#rrd")) and len(drawn(d, "#rrd")) == 4)
    assert spacing(browser, "#rrd") == 60, "the hour: one point a minute"
    captions = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#rrd figcaption")]
    assert captions == ["CPU usage", "Server load", "Memory usage", "Network traffic"]
    # Each collection round moves the node's entry in the stream (its CPU figure); the hour
    # gets a point from it without fetching the series again.
    fetched = drawn(browser, "#rrd")[0]
    wait(browser, lambda d: int(d.find_element(By.ID, "rrd").get_attribute("data-live") or 0) >= 1, timeout=30)
    assert drawn(browser, "#rrd")[0] == fetched + int(browser.find_element(By.ID, "rrd").get_attribute("data-live"))
    screenshot(browser, "node-graphs")

    Select(browser.find_element(By.ID, "rrd-timeframe")).select_by_value("day")
    wait(browser, lambda d: d.find_element(By.ID, "rrd").get_attribute("data-timeframe") == "day"
         and d.find_element(By.ID, "rrd").get_attribute("data-loading") is None)
    assert spacing(browser, "#rrd") == 1800, "the day: one point per 30 minutes"
    assert all(count > 0 for count in drawn(browser, "#rrd"))
    Select(browser.find_element(By.ID, "rrd-timeframe")).select_by_value("year")
    wait(browser, lambda d: d.find_element(By.ID, "rrd").get_attribute("data-timeframe") == "year")
    wait(browser, lambda d: spacing(d, "#rrd") == 7 * 86400)
    Select(browser.find_element(By.ID, "rrd-cf")).select_by_value("MAX")
    wait(browser, lambda d: d.find_element(By.ID, "rrd").get_attribute("data-loading") is None)
    assert all(count > 0 for count in drawn(browser, "#rrd")), "the maxima of this week"
    # The choice is kept for the next Summary, as Proxmox keeps it.
    browser.refresh()
    wait(browser, lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
    wait(browser, lambda d: d.find_element(By.ID, "rrd").get_attribute("data-timeframe") == "year")
    assert Select(browser.find_element(By.ID, "rrd-cf")).first_selected_option.get_attribute("value") == "MAX"


@pytest.mark.skipif(not os.path.exists(CHART_JS), reason="needs Debian's libjs-chart.js")
def test_guest_storage_and_datacenter_summaries_draw_graphs(browser, node):
    login(browser, node, "admin", "admin-password")
    browser.execute_script("localStorage.removeItem('faro-graphs')")
    browser.execute_script("location.hash = '#qemu/300:summary'")
    css(browser, "#rrd-disk canvas")
    wait(browser, lambda d: all(count > 0 for count in drawn(d, "#rrd")) and len(drawn(d, "#rrd")) == 4)
    memory = browser.execute_script(
        "return document.querySelector('#rrd-memory canvas').chart.data.datasets[0].data.filter((p) => p.y !== null).at(-1).y")
    assert memory == 256 * 1024 * 1024, "Total is the VM's memory"
    tooltip = browser.execute_script("""
        const chart = document.querySelector('#rrd-memory canvas').chart;
        const last = chart.data.datasets[0].data.length - 1;
        chart.tooltip.setActiveElements([{datasetIndex: 0, index: last}], {x: 0, y: 0});
        chart.update();
        return chart.tooltip.body.map((b) => b.lines.join(' ')).join('|');""")
    assert "256.00 MiB" in tooltip, tooltip
    screenshot(browser, "guest-graphs")

    browser.execute_script("location.hash = '#storage%2Fpytest%2Flocal:summary'")
    css(browser, "#rrd-usage canvas")
    wait(browser, lambda d: drawn(d, "#rrd") and drawn(d, "#rrd")[0] > 0)

    browser.execute_script("location.hash = '#root:summary'")
    css(browser, "#rrd-pytest-cpu canvas")
    wait(browser, lambda d: len(drawn(d, "#rrd-pytest")) == 4 and all(count > 0 for count in drawn(d, "#rrd-pytest")))
    screenshot(browser, "datacenter-graphs")
