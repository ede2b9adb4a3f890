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


def grid_rows(driver):
    return driver.execute_script("return [...document.querySelectorAll('#panel-body .grid-row')].map((e) => e.textContent)")


def click_row(driver, text):
    def clicked(d):
        rows = [row for row in d.find_elements(By.CSS_SELECTOR, "#panel-body .grid-row") if text in row.text]
        if not rows:
            return False
        rows[0].click()
        return True
    wait(driver, clicked)


def submit_dialog(driver):
    driver.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, ".form-window"), timeout=60)


def test_a_guests_backup_view_and_the_storages_backups(browser, gui):
    """VM → Backup: back up now (protected), protection and notes, the archive's configuration,
    a restore over the VM; the storage's Backups view restores as a new VM and removes."""
    for older in glob.glob(os.path.join(gui.root, "var/lib/vz/dump/vzdump-qemu-500-*")):
        os.remove(older)  # the run of the test before
    login(browser, gui, "admin", "admin-password")
    select_tree(browser, "qemu/500")
    open_side(browser, "backup")
    css(browser, "#backup-now").click()
    wait(browser, lambda d: "local" in [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, ".form-window [name='storage'] option")])
    fill(browser, "mode", "stop")
    css(browser, ".form-window [name='protected']").click()
    fill(browser, "notes-template", "{{guestname}} by hand")
    submit_dialog(browser)
    wait(browser, lambda d: any("vzdump-qemu-500-" in row and "Yes" in row and "web by hand" in row for row in grid_rows(d)), timeout=60)
    archives = glob.glob(os.path.join(gui.root, "var/lib/vz/dump/vzdump-qemu-500-*.vma.zst"))
    assert len(archives) == 1 and os.path.exists(archives[0] + ".protected")
    screenshot(browser, "guest-backups")

    click_row(browser, "vzdump-qemu-500-")
    assert css(browser, "#backup-remove").get_attribute("disabled"), "a protected backup cannot be removed"
    css(browser, "#backup-protection").click()
    wait(browser, lambda d: not any("Yes" in row for row in grid_rows(d)))
    assert not os.path.exists(archives[0] + ".protected")
    click_row(browser, "vzdump-qemu-500-")
    css(browser, "#backup-notes").click()
    fill(browser, "notes", "before the upgrade")
    submit_dialog(browser)
    wait(browser, lambda d: any("before the upgrade" in row for row in grid_rows(d)))
    assert open(archives[0] + ".notes").read() == "before the upgrade"

    click_row(browser, "vzdump-qemu-500-")
    css(browser, "#backup-show-config").click()
    assert "name: web" in css(browser, "#backup-config").text
    browser.find_element(By.CSS_SELECTOR, ".backup-config-window .window-footer button").click()
    wait(browser, lambda d: not d.find_elements(By.ID, "backup-config"))

    # Restore over the VM itself: a new disk in place of the old one, which goes afterwards.
    images = os.path.join(gui.root, "var/lib/vz/images/500")
    assert os.listdir(images) == ["vm-500-disk-0.raw"]
    click_row(browser, "vzdump-qemu-500-")
    css(browser, "#backup-restore").click()
    assert "permanently erase" in css(browser, ".restore-window").text
    submit_dialog(browser)
    wait(browser, lambda d: os.listdir(images) == ["vm-500-disk-1.raw"], timeout=60)
    config = json.loads(gui.cli("pvesh", "get", "/nodes/pytest/qemu/500/config", "--output-format", "json").stdout)
    assert config["scsi0"].startswith("local:500/vm-500-disk-1.raw") and config["name"] == "web" and "lock" not in config

    # The storage's Backups view: restore as a new VM, then remove the backup.
    select_tree(browser, "storage/pytest/local")
    open_side(browser, "content-backup")
    click_row(browser, "vzdump-qemu-500-")
    css(browser, "#backup-restore").click()
    fill(browser, "vmid", "510")
    submit_dialog(browser)
    wait(browser, lambda d: os.path.exists(os.path.join(gui.root, "var/lib/vz/images/510/vm-510-disk-0.raw")), timeout=60)
    wait(browser, lambda d: "lock" not in json.loads(gui.cli("pvesh", "get", "/nodes/pytest/qemu/510/config", "--output-format", "json").stdout), timeout=30)
    screenshot(browser, "storage-backups")
    click_row(browser, "vzdump-qemu-500-")
    css(browser, "#backup-remove").click()
    css(browser, ".confirm-window button.primary").click()
    wait(browser, lambda d: not any("vzdump-qemu-500-" in row for row in grid_rows(d)), timeout=30)
    assert not glob.glob(os.path.join(gui.root, "var/lib/vz/dump/vzdump-qemu-500-*"))
