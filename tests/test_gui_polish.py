"""GUI polish (issue 22 part 5) in headless Chromium against a real daemon: task times and
status words, dates in the chosen language, readable options, one CPU text, a failed start
reported where it was clicked, the Console tab, menu entries by privilege, resizable panes,
user and storage pickers, the bridge list, and how the files reach the browser (compressed,
revalidated, without the OpenAPI document)."""
import gzip, json, os, shutil, ssl, subprocess, tempfile, urllib.error, urllib.request
from datetime import datetime

import pytest

from conftest import Daemon
from test_gui import STORE_TOOL, WEB_ROOT, browser, css, login, open_side, screenshot, select_tree, wait, webdriver  # noqa: F401

if webdriver is not None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.skipif(webdriver is None or shutil.which("chromium") is None, reason="browser tests need selenium and chromium")

TASK_UPID = "UPID:pytest:00001234:00000042:65A00000:aptupdate::root@pam:"
# Unique per run: bridges are host-wide, and other checkouts run this file too.
BRIDGE = f"vmbrpt{os.getpid() % 100000}"


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-gui-polish-")
    os.makedirs(os.path.join(root, "var", "lib", "faro"))
    subprocess.run([STORE_TOOL, "seed-guests", os.path.join(root, "var", "lib", "faro", "config.db"), "pytest", "20"],
                   check=True, capture_output=True)
    tasks = os.path.join(root, "var", "log", "faro", "tasks")
    os.makedirs(os.path.join(tasks, "0"))
    with open(os.path.join(tasks, "0", TASK_UPID), "w") as log:
        log.write("reading lists\nTASK OK\n")
    with open(os.path.join(tasks, "index"), "w") as index:
        index.write(f"{TASK_UPID} 65A00005 OK\n")
    subprocess.run(["ip", "link", "add", BRIDGE, "type", "bridge"], check=True, capture_output=True)
    daemon = Daemon(root, web_root=WEB_ROOT)
    try:
        daemon.add_admin()
        daemon.pveum(["user", "add", "viewer@pve", "--password", "viewer-password"],
                     ["acl", "modify", "/vms/100", "--users", "viewer@pve", "--roles", "PVEAuditor"],
                     ["group", "add", "ops"], ["group", "add", "web"])
        yield daemon
    finally:
        daemon.stop()
        subprocess.run(["ip", "link", "delete", BRIDGE], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def cells(driver, selector):
    return driver.execute_script(
        f"return [...document.querySelectorAll('{selector} .grid-row')].map((r) => [...r.querySelectorAll('.grid-cell')].map((c) => c.textContent))")


def task_row(driver):
    """The seeded task's row (the only one root@pam started), in whatever language."""
    return wait(driver, lambda d: next((row for row in cells(d, "#log-pane") if row[3] == "root@pam"), False))


def set_language(driver, code):
    driver.execute_script(f"localStorage.setItem('faro-language', '{code}')")
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === '1'"))


def test_task_times_status_and_dates_follow_the_language(browser, node):
    login(browser, node, "admin", "admin-password")
    start, end, _, _, _, status = task_row(browser)
    assert status == "OK"
    started = datetime.fromtimestamp(0x65A00000)
    assert start.startswith(f"{started.month}/{started.day}/{started.year}, "), start
    try:
        set_language(browser, "gl")
        start, end, _, _, _, status = task_row(browser)
        assert status == "OK", "a task status is not the button 'Aceptar'"
        assert start.startswith(datetime.fromtimestamp(0x65A00000).strftime("%d/%m/%Y")), f"day first in Galician: {start}"
        assert end.startswith(datetime.fromtimestamp(0x65A00005).strftime("%d/%m/%Y"))
        assert css(browser, "#user-menu-button").text  # the page is usable in Galician
        screenshot(browser, "galician-task-log")
    finally:
        set_language(browser, "en")


def config(node, vmid):
    return json.loads(node.cli("pvesh", "get", f"/nodes/pytest/qemu/{vmid}/config", "--output-format", "json").stdout)


def edit_option(driver, label):
    def opened(d):
        rows = [row for row in d.find_elements(By.CSS_SELECTOR, "#panel-body .grid-row") if row.text.startswith(label)]
        if not rows:
            return False
        webdriver.ActionChains(d).double_click(rows[0]).perform()
        return d.find_elements(By.CSS_SELECTOR, ".form-window")
    wait(driver, opened)


def test_guest_summary_options_and_a_failed_start(browser, node):
    login(browser, node, "admin", "admin-password")
    select_tree(browser, "qemu/100")
    cpu = wait(browser, lambda d: d.execute_script(
        "const bar = document.querySelector('#guest-summary .usage .usage-label'); return bar && bar.innerText"))
    assert cpu.count("CPU(s)") == 1 and "/" not in cpu, f"the CPU text once: {cpu}"

    open_side(browser, "options")
    wait(browser, lambda d: "Boot Order\nscsi0, net0" in d.find_element(By.ID, "panel-body").text)
    text = browser.find_element(By.ID, "panel-body").text
    assert "order=scsi0" not in text and "QEMU Guest Agent\nDefault (Disabled)" in text, text

    # The agent and the start order are edited as Proxmox's dialogs do, not as property strings.
    edit_option(browser, "QEMU Guest Agent")
    css(browser, ".form-window [name='enabled']").click()
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: "QEMU Guest Agent\nEnabled" in d.find_element(By.ID, "panel-body").text)
    assert config(node, 100)["agent"] in ("1", 1)
    edit_option(browser, "Start/Shutdown order")
    css(browser, ".form-window [name='order']").send_keys("2")
    css(browser, ".form-window [name='up']").send_keys("30")
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: "Start/Shutdown order\norder=2,up=30" in d.find_element(By.ID, "panel-body").text)
    assert config(node, 100)["startup"] == "order=2,up=30"
    edit_option(browser, "Boot Order")
    devices = browser.execute_script("return [...document.querySelectorAll('#boot-order li')].map((li) => li.dataset.device)")
    assert devices == ["scsi0", "net0"], devices
    css(browser, '#boot-order [data-device="net0"] .boot-up').click()
    css(browser, "#boot-order-ok").click()
    wait(browser, lambda d: "Boot Order\nnet0, scsi0" in d.find_element(By.ID, "panel-body").text)
    assert config(node, 100)["boot"] == "order=net0;scsi0"
    edit_option(browser, "QEMU Guest Agent")
    css(browser, ".form-window [name='enabled']").click()
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: "QEMU Guest Agent\nDefault (Disabled)" in d.find_element(By.ID, "panel-body").text)
    assert "agent" not in config(node, 100), "unchecked with nothing else set removes the option"
    # Hotplug is one checkbox per device kind; none checked is `0` (Disabled).
    edit_option(browser, "Hotplug")
    assert css(browser, ".form-window [name='usb']").is_selected() and not css(browser, ".form-window [name='memory']").is_selected()
    css(browser, ".form-window [name='usb']").click()
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: "Hotplug\nDisk, Network\n" in d.find_element(By.ID, "panel-body").text)
    assert config(node, 100)["hotplug"] == "disk,network"
    edit_option(browser, "Hotplug")
    css(browser, ".form-window [name='disk']").click()
    css(browser, ".form-window [name='network']").click()
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: "Hotplug\nDisabled" in d.find_element(By.ID, "panel-body").text)
    assert str(config(node, 100)["hotplug"]) == "0"

    # Without KVM here the start would be refused at once; with kvm 0 it starts a task, which
    # fails (the guest's bridge vmbr0 does not exist) and says so where it was clicked.
    assert node.cli("pvesh", "set", "/nodes/pytest/qemu/100/config", "--kvm", "0").returncode == 0
    open_side(browser, "summary")
    css(browser, "#guest-start").click()
    failure = css(browser, ".task-failed #task-failure", timeout=30).text
    assert failure, "the task's exit status is shown"
    assert "VM 100 - Start failed" in browser.find_element(By.CSS_SELECTOR, ".task-failed").text
    screenshot(browser, "failed-start")
    css(browser, "#task-failure-log").click()
    log = css(browser, "#task-log")
    wait(browser, lambda d: "TASK ERROR" in log.text)
    assert "TASK ERROR: " + failure in log.text
    browser.find_element(By.CSS_SELECTOR, ".task-window .window-close").click()


def test_the_console_tab_of_a_stopped_guest_offers_start(browser, node):
    login(browser, node, "admin", "admin-password")
    select_tree(browser, "qemu/102")
    open_side(browser, "console")
    area = css(browser, "#guest-console-area")
    assert "Guest not running" in area.text
    assert css(browser, "#console-start").is_enabled()
    assert browser.find_element(By.ID, "console-window").get_attribute("disabled") is not None


def test_a_restricted_user_sees_only_the_entries_they_may_use(browser, node):
    login(browser, node, "viewer", "viewer-password")
    select_tree(browser, "root")
    wait(browser, lambda d: d.find_element(By.ID, "panel-body").get_attribute("data-tab") == "search")
    visible = browser.execute_script("return [...document.querySelectorAll('.side-item')].filter((b) => !b.hidden).map((b) => b.dataset.tab)")
    assert visible == ["search"], visible
    screenshot(browser, "restricted-datacenter")
    select_tree(browser, "node/pytest")
    wait(browser, lambda d: d.find_element(By.ID, "panel-body").get_attribute("data-tab") == "search")
    visible = browser.execute_script("return [...document.querySelectorAll('.side-item')].filter((b) => !b.hidden).map((b) => b.dataset.tab)")
    assert visible == ["search", "tasks"], visible

    login(browser, node, "admin", "admin-password")
    select_tree(browser, "root")
    wait(browser, lambda d: d.find_element(By.ID, "side-realms").is_displayed())
    open_side(browser, "summary")
    health = wait(browser, lambda d: d.find_element(By.ID, "datacenter-summary").text)
    assert "Nodes online\n1" in health and "Status\nOK" in health, health


def test_tree_and_log_panel_are_resized_and_remembered(browser, node):
    login(browser, node, "admin", "admin-password")
    tree = browser.find_element(By.ID, "tree-pane")
    log = browser.find_element(By.ID, "log-pane")
    width, height = tree.rect["width"], log.rect["height"]
    splitter = browser.find_element(By.ID, "tree-splitter")
    webdriver.ActionChains(browser).click_and_hold(splitter).move_by_offset(120, 0).release().perform()
    wait(browser, lambda d: abs(tree.rect["width"] - (width + 120)) <= 2)
    log_splitter = browser.find_element(By.ID, "log-splitter")
    log_splitter.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
    wait(browser, lambda d: abs(log.rect["height"] - (height + 32)) <= 2)
    assert browser.execute_script("return localStorage.getItem('faro-tree-width')") == str(round(width + 120))
    browser.refresh()
    wait(browser, lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
    tree = browser.find_element(By.ID, "tree-pane")
    assert abs(tree.rect["width"] - (width + 120)) <= 2, "the width survives a reload"
    assert abs(browser.find_element(By.ID, "log-pane").rect["height"] - (height + 32)) <= 2
    screenshot(browser, "resized-panes")
    browser.execute_script("localStorage.removeItem('faro-tree-width'); localStorage.removeItem('faro-log-height')")


def test_add_user_with_groups_and_a_confirmed_password(browser, node):
    login(browser, node, "admin", "admin-password")
    browser.execute_script("location.hash = '#root:users'")
    css(browser, "#users-add").click()
    groups = Select(css(browser, ".form-window [name='groups']"))
    assert [o.get_attribute("value") for o in groups.options] == ["ops", "web"]
    css(browser, ".form-window [name='name']").send_keys("dave")
    css(browser, ".form-window [name='password']").send_keys("dave-password")
    css(browser, ".form-window [name='confirm']").send_keys("other-password")
    groups.select_by_value("ops")
    groups.select_by_value("web")
    css(browser, ".form-window button.primary").click()
    assert "Passwords do not match" in css(browser, "#error-confirm").text
    confirm = css(browser, ".form-window [name='confirm']")
    confirm.clear()
    confirm.send_keys("dave-password")
    css(browser, ".form-window button.primary").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".form-window"))
    groups = json.loads(node.cli("pvesh", "get", "/access/users/dave@pve", "--output-format", "json").stdout)["groups"]
    assert sorted(groups.split(",") if isinstance(groups, str) else groups) == ["ops", "web"]


def test_the_vm_wizard_offers_the_hosts_bridges(browser, node):
    listed = json.loads(node.cli("pvesh", "get", "/nodes/pytest/network", "--type", "bridge", "--output-format", "json").stdout)
    assert BRIDGE in [entry["iface"] for entry in listed]
    login(browser, node, "admin", "admin-password")
    css(browser, "#header-create-vm").click()
    css(browser, "#create-vm")
    bridge = browser.find_element(By.CSS_SELECTOR, "#create-vm [name='bridge']")  # on the Network step, not shown yet
    assert bridge.tag_name == "select", "the bridge is chosen, not typed"
    choices = "return [...document.querySelectorAll('#create-vm [name=bridge] option')].map((o) => o.value)"
    try:
        wait(browser, lambda d: BRIDGE in d.execute_script(choices), timeout=20)
    except Exception:
        raise AssertionError(f"bridges offered: {browser.execute_script(choices)}, node field: "
                             + browser.execute_script("return document.querySelector('#create-vm #error-node').textContent"))
    assert browser.execute_script("return document.querySelector('#create-vm [name=bridge]').value") == BRIDGE, "the first bridge is proposed"
    browser.find_element(By.CSS_SELECTOR, "#create-vm .window-close").click()


def fetch(node, path, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(node.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_files_are_compressed_and_revalidated_and_the_gui_skips_the_openapi_document(browser, node):
    status, headers, body = fetch(node, "/js/main.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == open(os.path.join(WEB_ROOT, "js", "main.js"), "rb").read()
    status, again, body = fetch(node, "/js/main.js", {"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    status, _, _ = fetch(node, "/js/main.js", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304

    login(browser, node, "admin", "admin-password")
    select_tree(browser, "qemu/100")
    css(browser, "#side-snapshots")  # shown once the method list says the API has it
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert any(name.endswith("/api2/methods.json") for name in loaded)
    assert not any("openapi.json" in name for name in loaded), "the 6 MB document is not loaded"
