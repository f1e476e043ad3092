"""Shared by the browser checks: Chromium, waiting, the REST API, the page's load and viewport, its rows and drawer."""
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
MISSING = "–"  # the missing mark, en dash, as the CLI
HERE = os.path.dirname(os.path.abspath(__file__))


def skip(message):
    print(f"SKIP: {message}", flush=True)
    sys.exit(SKIP)


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def find(names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def start_browser():
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip("the Python package selenium is not installed (scripts/install-dependencies installs it)")
    browser = find(["chromium", "chromium-browser", "google-chrome"])
    driver_path = find(["chromedriver"])
    if not browser or not driver_path:
        skip("chromium or chromedriver is not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1440,1200", "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--lang=en-US"]:
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except WebDriverException as error:
        skip(f"chromium cannot start here: {str(error).splitlines()[0]}")
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait(driver, condition, what, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import TimeoutException
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))
    except TimeoutException:
        banner = driver.execute_script("return document.getElementById('error-banner').textContent")
        fail(f"timed out waiting for {what}" + (f" (page error: {banner})" if banner else ""))


def api(url, path):
    """What the REST API says, straight from the server (not through the page)."""
    with urllib.request.urlopen(url.rstrip("/") + "/api/v1/ai-executions" + path, timeout=30) as response:
        return json.load(response)


def api_at(url, path):
    """(status, body) of any API path, an error's too."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def load(driver, url):
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") in ("ready", "error"), "the first load")
    state = driver.execute_script("return document.body.dataset.state")
    if state != "ready":
        fail("the page shows an error: " + driver.execute_script("return document.getElementById('error-banner').textContent"))
    return driver.execute_script("""
        const navigation = performance.getEntriesByType('navigation')[0];
        const api = performance.getEntriesByType('resource').filter(entry => entry.name.includes('/api/v1/'))
            .map(entry => [new URL(entry.name).pathname.replace('/api/v1/ai-executions', '') || '/', Math.round(entry.responseEnd)]);
        return { firstLoadMs: window.execlogFirstLoadMs, domContentLoadedMs: navigation.domContentLoadedEventEnd,
                 apiResponseEndMs: Object.fromEntries(api) };""")


def viewport(driver, width, height):
    """Sets the page's viewport to exactly width × height CSS pixels (the window's size includes the browser's frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    wait(driver, lambda d: d.execute_script("return window.innerWidth") == width, f"a {width} px viewport")
    time.sleep(0.3)  # the charts redraw 120 ms after a resize


def readme_screenshots(driver, url, folder):
    """The README's pictures of a store: the page at 1400 px (dashboard.png) and at 420 px (dashboard-phone.png)."""
    for width, height, name in [(1400, 1180, "dashboard.png"), (420, 1760, "dashboard-phone.png")]:
        viewport(driver, width, height)
        load(driver, url)
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(folder, name))


def card_value(driver, card_id):
    return driver.execute_script(
        "return document.querySelector(arguments[0] + ' .value').dataset.value", f"#{card_id}")


def rows(driver):
    return driver.execute_script("""
        return [...document.querySelectorAll('#executions-table tbody tr[data-id]')].map(row => {
            const cost = row.querySelector('td.cost');
            return { id: row.dataset.id, usageType: row.cells[1].textContent, status: row.querySelector('td.status').textContent,
                     cost: cost.textContent, costNano: cost.dataset.nano ?? null, costSource: cost.dataset.source,
                     costFlag: cost.querySelector('.cost-flag') ? cost.querySelector('.cost-flag').className : null };
        });""")


def open_drawer(driver, execution_id):
    driver.execute_script(
        "document.querySelector(`#executions-table tbody tr[data-id='${arguments[0]}']`).click()", execution_id)
    wait(driver, lambda d: d.execute_script(
        "const o = document.getElementById('detail'); return !o.hidden && o.dataset.state === 'ready' "
        "&& document.getElementById('detail-id').textContent === arguments[0]", execution_id), f"the drawer of {execution_id}")
    return driver.execute_script("""
        const text = id => { const node = document.getElementById(id); return node ? node.textContent : null; };
        const section = document.getElementById('detail-cost');
        const amounts = section ? Object.fromEntries([...section.querySelectorAll('tr[data-component]')].map(row =>
            [row.dataset.component, { text: row.querySelector('.amount').textContent, nano: row.querySelector('.amount').dataset.nano,
                                      tokens: row.cells[1].textContent }])) : {};
        return { costSection: section ? section.textContent : null, source: section ? section.dataset.source : null,
                 message: text('detail-cost-message'), total: text('detail-cost-total'), priceRef: text('detail-price-ref'),
                 amounts, cacheWrites: text('detail-cache-write-tokens'), reasoning: text('detail-reasoning-tokens'),
                 cached: text('detail-cached-tokens') };""")


def close_drawer(driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(driver, lambda d: d.execute_script("return document.getElementById('detail').hidden"), "the drawer to close")


def select_filter(driver, control_id, value):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    Select(driver.find_element(By.ID, control_id)).select_by_value(value)


def page_state(driver):
    return driver.execute_script("""
        return { state: document.body.dataset.state, total: document.querySelector('#card-total-executions .value').dataset.value,
                 ids: [...document.querySelectorAll('#executions-table tbody tr[data-id]')].map(row => row.dataset.id),
                 banner: document.getElementById('error-banner').textContent,
                 searchError: document.getElementById('search-error').hidden ? null : document.getElementById('search-error').textContent,
                 chips: [...document.querySelectorAll('#filter-chips .filter-chip')].map(chip => [chip.dataset.filter, chip.textContent]),
                 summary: document.getElementById('table-summary').textContent, hash: location.hash };""")


def wait_for_view(driver, url, params, what):
    """Waits until the page shows what the API answers for `params` (the cards' total and the first page's ids)."""
    # The browser's form encoding (a space as +), as the page sends it.
    stats = api(url, f"/stats?{urllib.parse.urlencode(params)}")
    listing = api(url, f"/?{urllib.parse.urlencode({**params, 'limit': 50})}")
    ids = [item["id"] for item in listing["items"]]

    def shown(d):
        page = page_state(d)
        return page if page["state"] == "ready" and page["total"] == str(stats["total_executions"]) and page["ids"] == ids else None
    page = wait(driver, shown, f"the page to show {what} ({stats['total_executions']} executions)")
    return page, stats, listing
