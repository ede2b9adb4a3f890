"""The web GUI in a real browser: headless Chromium driven by Selenium against a real daemon
serving web/. Screenshots of the main views go to artifacts/."""
import json, os, shutil, subprocess, tempfile, time

import pytest

from conftest import Daemon, FARO

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    webdriver = None

HERE = os.path.dirname(os.path.abspath(__file__))
WEB_ROOT = os.path.join(HERE, "..", "web")
ARTIFACTS = os.path.join(HERE, "..", "artifacts")
STORE_TOOL = os.path.join(os.path.dirname(FARO), "faro-store-tool")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
GUESTS = 2000

missing = [name for name, present in (("selenium (PyPI)", webdriver is not None), ("chromium (Debian)", CHROMIUM),
                                       ("chromium-driver (Debian)", os.path.exists(CHROMEDRIVER))) if not present]
pytestmark = pytest.mark.skipif(bool(missing), reason="browser tests need " + ", ".join(missing))

TASK_UPID = "UPID:pytest:00001234:00000042:65A00000:aptupdate::root@pam:"


def seed_finished_task(root):
    """A task a previous daemon ran: its log and its line in the task index."""
    tasks = os.path.join(root, "var", "log", "faro", "tasks")
    os.makedirs(os.path.join(tasks, "0"), exist_ok=True)
    with open(os.path.join(tasks, "0", TASK_UPID), "w") as log:
        log.write("starting the package database update\nreading lists\nTASK OK\n")
    with open(os.path.join(tasks, "index"), "w") as index:
        index.write(f"{TASK_UPID} 65A00005 OK\n")


@pytest.fixture(scope="module")
def gui():
    root = tempfile.mkdtemp(prefix="faro-gui-")
    os.makedirs(os.path.join(root, "var", "lib", "faro"))
    subprocess.run([STORE_TOOL, "seed-guests", os.path.join(root, "var", "lib", "faro", "config.db"), "pytest", str(GUESTS)],
                   check=True, capture_output=True)
    seed_finished_task(root)
    node = Daemon(root, web_root=WEB_ROOT)
    try:
        node.add_admin()
        node.pveum(["user", "add", "viewer@pve", "--password", "viewer-password"],
                   ["acl", "modify", "/vms/100", "--users", "viewer@pve", "--roles", "PVEAuditor"],
                   ["pool", "add", "web", "--comment", "web servers"],
                   ["pool", "modify", "web", "--vms", "100,101"])
        yield node
    finally:
        node.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                     "--window-size=1366,900", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    os.makedirs(ARTIFACTS, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, condition, timeout=10):
    """Waits for the condition; an element the panel re-rendered meanwhile (stale) counts as not yet."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def css(driver, selector, timeout=10):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), timeout)


def screenshot(driver, name):
    driver.save_screenshot(os.path.join(ARTIFACTS, f"gui-{name}.png"))


def fresh_login_window(driver, gui):
    driver.get(gui.url + "/")
    driver.delete_all_cookies()
    driver.execute_script("localStorage.clear()")
    driver.get(gui.url + "/")
    return css(driver, "#login-username")


def login(driver, gui, user, password, realm="pve"):
    fresh_login_window(driver, gui)
    wait(driver, lambda d: len(Select(d.find_element(By.ID, "login-realm")).options) >= 2)
    driver.find_element(By.ID, "login-username").send_keys(user)
    driver.find_element(By.ID, "login-password").send_keys(password)
    Select(driver.find_element(By.ID, "login-realm")).select_by_value(realm)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === '1' && document.body.dataset.stream === 'open'"))


def tree_labels(driver):
    """Read in one script call: the virtual tree repaints its rows while Selenium looks."""
    return driver.execute_script("return [...document.querySelectorAll('.tree-row .label')].map((e) => e.textContent)")


def select_tree(driver, kind_id):
    """Click a tree row. The virtual tree repaints its rows on every pushed status change, so a
    row found a moment ago may be gone by the click: find it again until a click lands."""
    def clicked(d):
        try:
            element = css(d, f'.tree-row[data-id="{kind_id}"] .label')
            element.click()
            return element
        except StaleElementReferenceException:
            return False
    return wait(driver, clicked)


def open_side(driver, tab):
    css(driver, f"#side-{tab}").click()
    wait(driver, lambda d: d.find_element(By.ID, "panel-body").get_attribute("data-tab") == tab)


def test_login_window_offers_the_realms_and_shows_a_wrong_password(browser, gui):
    fresh_login_window(browser, gui)
    realm = Select(browser.find_element(By.ID, "login-realm"))
    wait(browser, lambda d: len(realm.options) >= 2)
    labels = {option.get_attribute("value"): option.text for option in realm.options}
    assert labels["pam"] == "Linux PAM standard authentication"
    assert labels["pve"] == "Faro authentication server"
    assert realm.first_selected_option.get_attribute("value") == "pam", "pam is the default realm"
    browser.find_element(By.ID, "login-username").send_keys("admin")
    browser.find_element(By.ID, "login-password").send_keys("wrong password")
    realm.select_by_value("pve")
    browser.find_element(By.ID, "login-submit").click()
    error = css(browser, "#login-error")
    assert "Login failed" in error.text
    assert browser.find_element(By.ID, "app").get_attribute("hidden") is not None
    screenshot(browser, "login-error")


def test_tree_views_render_only_visible_rows(browser, gui):
    login(browser, gui, "admin", "admin-password")
    rows = wait(browser, lambda d: int(d.find_element(By.CSS_SELECTOR, ".tree-scroll").get_attribute("data-rows")) >= GUESTS + 2 and d)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".tree-row")) < 100, "only the rows in sight exist"
    assert "pytest" in tree_labels(browser) and "100 (bench-100)" in tree_labels(browser)
    screenshot(browser, "datacenter-summary")
    view = Select(browser.find_element(By.CSS_SELECTOR, ".tree-view"))
    expected = {"folder": "Virtual Machine", "pool": "web", "tag": "bench"}
    for name, label in expected.items():
        view.select_by_value(name)
        wait(browser, lambda d: label in tree_labels(d))
        screenshot(browser, f"tree-{name}")
    view.select_by_value("pool")
    wait(browser, lambda d: {"100 (bench-100)", "101 (bench-101)"} <= set(tree_labels(d)))
    assert "102 (bench-102)" not in tree_labels(browser), "only pool members are listed"
    view.select_by_value("server")
    wait(browser, lambda d: "pytest" in tree_labels(d))


def test_keyboard_moves_through_the_tree_and_the_session_survives_a_reload(browser, gui):
    login(browser, gui, "admin", "admin-password")
    Select(browser.find_element(By.CSS_SELECTOR, ".tree-view")).select_by_value("server")
    select_tree(browser, "root")
    tree = browser.find_element(By.CSS_SELECTOR, ".tree-scroll")
    tree.send_keys(Keys.ARROW_DOWN)
    wait(browser, lambda d: "pytest" in d.find_element(By.ID, "panel-title").text)
    tree.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    wait(browser, lambda d: "101 (bench-101)" in d.find_element(By.ID, "panel-title").text)
    assert browser.find_element(By.CSS_SELECTOR, ".tree-row.selected").get_attribute("aria-selected") == "true"
    browser.refresh()
    wait(browser, lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
    assert not browser.find_elements(By.ID, "login-username"), "no login window after a reload"
    assert "101" in css(browser, "#panel-title").text, "the reload shows the same object"
    screenshot(browser, "guest-summary")


def test_search_finds_guests_as_you_type(browser, gui):
    login(browser, gui, "admin", "admin-password")
    search = css(browser, "#header-search")
    search.send_keys("bench-1234")
    result = css(browser, "#search-result-0")
    assert "1234 (bench-1234)" in result.text
    search.send_keys(Keys.ENTER)
    wait(browser, lambda d: "1234" in d.find_element(By.ID, "panel-title").text)
    assert "1234 (bench-1234)" in browser.find_element(By.CSS_SELECTOR, ".tree-row.selected").text
    browser.find_element(By.CSS_SELECTOR, ".tree-scroll").send_keys(Keys.HOME)
    wait(browser, lambda d: d.find_element(By.ID, "panel-title").text == "Datacenter")
    open_side(browser, "search")
    grid = css(browser, "#panel-body .grid")
    filter_field = css(browser, "#resource-search")
    filter_field.send_keys("group3")
    wait(browser, lambda d: grid.get_attribute("data-rows") == str(GUESTS // 10))
    browser.find_element(By.CSS_SELECTOR, '#panel-body .grid-header [data-key="description"]').click()
    browser.find_element(By.CSS_SELECTOR, '#panel-body .grid-header [data-key="description"]').click()
    first = browser.find_element(By.CSS_SELECTOR, "#panel-body .grid-row .grid-cell:nth-child(2)").text
    assert first == "2093 (bench-2093)", "descending by description"
    screenshot(browser, "datacenter-search")


def fill(driver, name, value):
    field = css(driver, f".form-window [name='{name}']")
    if field.tag_name == "select":
        Select(field).select_by_value(value)
    else:
        field.clear()
        field.send_keys(value)


def test_create_a_user_and_an_acl_through_the_dialogs(browser, gui):
    login(browser, gui, "admin", "admin-password")
    select_tree(browser, "root")
    open_side(browser, "users")
    css(browser, "#users-add").click()
    fill(browser, "name", "carol")
    fill(browser, "realm", "pve")
    fill(browser, "password", "short")
    fill(browser, "confirm", "short")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    error = css(browser, "#error-password")
    assert error.text, "the API's parameter error is shown at the field"
    fill(browser, "password", "carol-password")
    fill(browser, "confirm", "carol-password")
    fill(browser, "comment", "made in the browser")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".form-window"))
    wait(browser, lambda d: "carol@pve" in d.find_element(By.ID, "panel-body").text)
    screenshot(browser, "users")

    open_side(browser, "permissions")
    css(browser, "#acl-add-user").click()
    fill(browser, "path", "/vms/105")
    fill(browser, "member", "carol@pve")
    fill(browser, "roles", "PVEVMUser")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    wait(browser, lambda d: "PVEVMUser" in d.find_element(By.ID, "panel-body").text)
    screenshot(browser, "permissions")
    acl = json.loads(gui.cli("pvesh", "get", "/access/acl", "--output-format", "json").stdout)
    assert {"path": "/vms/105", "ugid": "carol@pve", "roleid": "PVEVMUser", "type": "user", "propagate": 1} in acl


def test_a_restricted_user_sees_only_what_they_may(browser, gui):
    login(browser, gui, "viewer", "viewer-password")
    wait(browser, lambda d: "100 (bench-100)" in tree_labels(d))
    labels = tree_labels(browser)
    assert not any(label.startswith("101 ") for label in labels), labels
    assert int(browser.find_element(By.CSS_SELECTOR, ".tree-scroll").get_attribute("data-rows")) <= 3
    screenshot(browser, "restricted-user")
    css(browser, "#user-menu-button").click()
    css(browser, "#menu-logout").click()
    css(browser, "#login-username")


def test_a_new_pool_and_a_membership_appear_without_a_reload(browser, gui):
    login(browser, gui, "admin", "admin-password")
    Select(browser.find_element(By.CSS_SELECTOR, ".tree-view")).select_by_value("pool")
    browser.execute_script("window.notReloaded = true")
    started = time.monotonic()
    assert gui.cli("pvesh", "create", "/pools", "--poolid", "live").returncode == 0
    wait(browser, lambda d: "live" in tree_labels(d), timeout=5)
    elapsed = time.monotonic() - started
    assert gui.cli("pveum", "pool", "modify", "live", "--vms", "150").returncode == 0
    wait(browser, lambda d: "150 (bench-150)" in tree_labels(d), timeout=5)
    assert browser.execute_script("return window.notReloaded === true"), "the page was not reloaded"
    assert elapsed < 2.0, f"the new pool took {elapsed:.2f} s to appear"
    select_tree(browser, "/pool/live")
    open_side(browser, "members")
    wait(browser, lambda d: "150 (bench-150)" in d.find_element(By.ID, "panel-body").text)
    screenshot(browser, "pool-members")
    assert gui.cli("pveum", "pool", "modify", "live", "--vms", "150", "--delete", "1").returncode == 0
    assert gui.cli("pveum", "pool", "delete", "live").returncode == 0
    wait(browser, lambda d: "live" not in tree_labels(d), timeout=5)


def test_node_summary_notes_and_the_task_log(browser, gui):
    login(browser, gui, "admin", "admin-password")
    Select(browser.find_element(By.CSS_SELECTOR, ".tree-view")).select_by_value("server")
    select_tree(browser, "node/pytest")
    wait(browser, lambda d: "CPU usage" in d.find_element(By.ID, "panel-body").text)
    screenshot(browser, "node-summary")
    open_side(browser, "notes")
    css(browser, "#notes-edit").click()
    fill(browser, "description", "# Rack 4\n\nThe **blue** one.")
    browser.find_element(By.CSS_SELECTOR, ".form-window button.primary").click()
    heading = css(browser, "#node-notes h2")
    assert heading.text == "Rack 4"
    assert browser.find_element(By.CSS_SELECTOR, "#node-notes strong").text == "blue"
    stored = gui.cli("pvesh", "get", "/nodes/pytest/config", "--output-format", "json")
    assert "Rack 4" in stored.stdout

    open_side(browser, "tasks")
    row = css(browser, "#panel-body .grid-row")
    assert "Update package database" in row.text
    webdriver.ActionChains(browser).double_click(row).perform()
    log = css(browser, "#task-log")
    wait(browser, lambda d: "TASK OK" in log.text)
    assert "reading lists" in log.text
    assert browser.find_element(By.ID, "task-stop").get_attribute("disabled") is not None, "a finished task cannot be stopped"
    screenshot(browser, "task-log")
    browser.find_element(By.CSS_SELECTOR, ".task-window .window-close").click()
    bottom = css(browser, "#log-pane .grid-row")
    assert "Update package database" in bottom.text, "the log panel lists the cluster's tasks"


def test_phone_sized_viewport_dark_theme_and_galician(browser, gui):
    login(browser, gui, "admin", "admin-password")
    css(browser, "#user-menu-button").click()
    css(browser, "#theme-dark").click()
    assert browser.execute_script("return document.documentElement.dataset.theme") == "dark"
    assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(30, 33, 36)"
    screenshot(browser, "dark-theme")
    css(browser, "#user-menu-button").click()
    assert css(browser, "#theme-dark").text.startswith("●")
    css(browser, "#theme-light").click()
    browser.set_window_size(390, 844)
    try:
        toggle = css(browser, ".tree-toggle")
        tree = browser.find_element(By.ID, "tree-pane")
        wait(browser, lambda d: tree.rect["x"] + tree.rect["width"] <= 0)
        toggle.click()
        wait(browser, lambda d: tree.rect["x"] >= 0)
        screenshot(browser, "phone-tree")
        select_tree(browser, "node/pytest")
        wait(browser, lambda d: tree.rect["x"] + tree.rect["width"] <= 0)
    finally:
        browser.set_window_size(1366, 900)
    fresh_login_window(browser, gui)
    Select(browser.find_element(By.ID, "login-language")).select_by_value("gl")
    wait(browser, lambda d: d.find_element(By.ID, "login-submit").text == "Acceder")
    realm = Select(css(browser, "#login-realm"))
    wait(browser, lambda d: "Autenticación estándar PAM de Linux" in [o.text for o in realm.options])
    screenshot(browser, "login-galician")
    browser.execute_script("localStorage.clear()")
