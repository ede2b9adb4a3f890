"""Datacenter → Backup in a real browser: a job made in the dialog lands in jobs.cfg with its
next run shown, Run now backs the guest up through a task, the guests no job covers are
listed, and the job is removed again."""
import glob, json, os, shutil, tempfile

import pytest

from conftest import Daemon
from test_gui import WEB_ROOT, browser, css, fill, login, missing, open_side, screenshot, select_tree, wait  # noqa: F401

pytestmark = pytest.mark.skipif(bool(missing), reason="browser tests need " + ", ".join(missing))

try:
    from selenium.webdriver.common.by import By
except ImportError:
    pass


@pytest.fixture(scope="module")
def gui():
    root = tempfile.mkdtemp(prefix="faro-gui-backup-")
    node = Daemon(root, web_root=WEB_ROOT)
    try:
        node.add_admin()
        created = node.cli("qm", "create", "500", "--name", "web", "--memory", "128", "--kvm", "0", "--scsi0", "local:1")
        assert created.returncode == 0, created.stderr
        assert node.cli("qm", "create", "501", "--name", "db", "--memory", "128", "--kvm", "0").returncode == 0
        yield node
    finally:
        node.stop()
        shutil.rmtree(root, ignore_errors=True)


def panel_text(driver):
    return driver.find_element(By.ID, "panel-body").text


def test_backup_jobs_in_the_datacenter(browser, gui):
    login(browser, gui, "admin", "admin-password")
    select_tree(browser, "root")
    open_side(browser, "backup")
    css(browser, "#backup-jobs-add").click()
    fill(browser, "schedule", "mon 0 0 0")
    fill(browser, "vmid", "500")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    error = css(browser, "#error-schedule")
    assert "invalid calendar event" in error.text
    fill(browser, "schedule", "sat 02:00")
    fill(browser, "prune-backups", "keep-last=2")
    fill(browser, "comment", "weekly web")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".form-window"))
    wait(browser, lambda d: "weekly web" in panel_text(d) and "sat 02:00" in panel_text(d))
    listed = json.loads(gui.cli("pvesh", "get", "/cluster/backup", "--output-format", "json").stdout)
    assert len(listed) == 1 and listed[0]["schedule"] == "sat 02:00" and listed[0]["prune-backups"] == {"keep-last": 2}
    assert listed[0]["id"].startswith("backup-") and listed[0]["next-run"] > 0
    screenshot(browser, "backup-jobs")

    css(browser, "#backup-jobs-not-covered").click()
    wait(browser, lambda d: "db" in d.find_element(By.ID, "not-backed-up").text)
    assert "web" not in browser.find_element(By.ID, "not-backed-up").text
    browser.find_element(By.CSS_SELECTOR, ".form-window .window-footer button").click()

    wait(browser, lambda d: not d.find_elements(By.ID, "not-backed-up"))
    rows = [row for row in browser.find_elements(By.CSS_SELECTOR, "#panel-body .grid-row") if "weekly web" in row.text]
    rows[0].click()
    css(browser, "#backup-jobs-run").click()
    wait(browser, lambda d: glob.glob(os.path.join(gui.root, "var/lib/vz/dump/vzdump-qemu-500-*.vma.zst")), timeout=60)
    wait(browser, lambda d: "TASK OK" in d.page_source, timeout=60)
    screenshot(browser, "backup-run-now")
    for close in browser.find_elements(By.CSS_SELECTOR, ".window-close"):
        close.click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".backdrop"))

    css(browser, "#backup-jobs-remove").click()
    css(browser, ".confirm-window button.primary").click()
    wait(browser, lambda d: "weekly web" not in panel_text(d))
    assert gui.cli("pvesh", "get", "/cluster/backup", "--output-format", "json").stdout.strip() == "[]"
