"""Two factors in the browser: the TOTP dialog with its QR code (Debian's qrcode-generator),
the second login step with a code from oathtool and with a recovery key, and
Datacenter → Permissions → Two Factor."""
import os, shutil, subprocess, tempfile, time

import pytest

from conftest import Daemon
from test_gui import browser, css, fresh_login_window, open_side, screenshot, select_tree, wait, webdriver  # noqa: F401

if webdriver is not None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.skipif(
    webdriver is None or shutil.which("chromium") is None or shutil.which("oathtool") is None
    or not os.path.exists("/usr/share/javascript/qrcode-generator/qrcode.js"),
    reason="needs selenium, chromium, oathtool and node-qrcode-generator (scripts/install-deps.sh)")


@pytest.fixture(scope="module")
def node():
    root = tempfile.mkdtemp(prefix="faro-gui-tfa-")
    daemon = Daemon(root, web_root=os.path.join(os.path.dirname(__file__), "..", "web"))
    try:
        daemon.add_admin()
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def code(secret, offset_steps=0):
    when = int(time.time()) + 30 * offset_steps
    return subprocess.run(["oathtool", "--totp", "-b", "-N", f"@{when}", secret], capture_output=True, text=True, check=True).stdout.strip()


def first_step(driver, node):
    fresh_login_window(driver, node)
    wait(driver, lambda d: len(Select(d.find_element(By.ID, "login-realm")).options) >= 2)
    driver.find_element(By.ID, "login-username").send_keys("admin")
    driver.find_element(By.ID, "login-password").send_keys("admin-password")
    Select(driver.find_element(By.ID, "login-realm")).select_by_value("pve")
    driver.find_element(By.ID, "login-submit").click()


def logged_in(driver):
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === '1' && document.body.dataset.stream === 'open'"))


def test_totp_and_recovery_keys_through_the_gui(browser, node):
    first_step(browser, node)
    logged_in(browser)
    select_tree(browser, "root")
    open_side(browser, "tfa")
    css(browser, "#tfa-add-totp").click()
    svg = css(browser, "#tfa-qr svg")
    assert svg.size["width"] > 100, "a QR code is drawn"
    secret = css(browser, "#field-secret").get_attribute("value")
    assert browser.find_element(By.ID, "tfa-qr").get_attribute("data-uri").startswith("otpauth://totp/")
    css(browser, "#field-description").send_keys("phone")
    css(browser, "#field-value").send_keys("000000")
    css(browser, "#field-password").send_keys("admin-password")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    assert "failed to verify TOTP challenge" in css(browser, "#error-value").text
    css(browser, "#field-value").clear()
    css(browser, "#field-value").send_keys(code(secret))
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".form-window"))
    wait(browser, lambda d: "phone" in d.find_element(By.ID, "panel-body").text)
    screenshot(browser, "two-factor")

    css(browser, "#tfa-add-recovery").click()
    css(browser, "#field-password").send_keys("admin-password")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    keys = css(browser, "#tfa-recovery-keys").text.split("\n")
    assert len(keys) == 10

    # The next login asks for the second factor: a wrong code returns to the password form.
    first_step(browser, node)
    css(browser, "#tfa-totp").send_keys("000000")
    css(browser, "#tfa-submit").click()
    wait(browser, lambda d: d.find_element(By.ID, "login-error").is_displayed())
    first_step(browser, node)
    css(browser, "#tfa-totp").send_keys(code(secret, 1))
    screenshot(browser, "login-second-factor")
    css(browser, "#tfa-submit").click()
    logged_in(browser)

    first_step(browser, node)
    Select(css(browser, "#tfa-kind")).select_by_value("recovery")
    css(browser, "#tfa-recovery").send_keys(keys[2])
    css(browser, "#tfa-submit").click()
    logged_in(browser)
