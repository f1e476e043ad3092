#!/usr/bin/env python3
"""Drives the execlog dashboard in headless Chromium (Selenium) and checks it against the store.

Run by Tests/ExecLogServerTests/BrowserTests.swift, which starts `execlog serve` over a seeded store and
writes what the store says into the --expect file. Exit status: 0 passed, 1 failed (a line `FAIL: ...`),
77 Chromium cannot run here (a line `SKIP: ...`). The last stdout line is a JSON summary.

    dashboard_test.py --url http://127.0.0.1:PORT/ --expect expect.json --screenshots DIR
    dashboard_test.py --url ... --measure-only     # print the first load's time, check nothing
    dashboard_test.py --url ... --open-newest execution.json   # open the newest row's drawer, compare it
    dashboard_test.py --url ... --readme-screenshots docs      # docs/dashboard.png (1400 px), dashboard-phone.png (420 px)
"""
import argparse
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77


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


# The page's money formats (dashboard.js), written again from the integer nanodollars: en-US, as the
# browser runs with --lang=en-US.
def usd_fixed(nano, decimals):
    sign = "-" if nano < 0 else ""
    step = 10 ** (9 - decimals)
    units = (abs(nano) + step // 2) // step
    scale = 10 ** decimals
    fraction = f".{units % scale:0{decimals}d}" if decimals else ""
    return f"{sign}${units // scale:,}{fraction}"


def finer(nano, decimals):
    if abs(nano) * 2 >= 10 ** (9 - decimals):
        return usd_fixed(nano, decimals)
    return usd_fixed(nano, 6) if abs(nano) >= 500 else usd_fixed(nano, 9)


def money(nano):
    """A sum: to the cent, with more digits where the cents would read $0.00."""
    return "—" if nano is None else usd_fixed(0, 2) if nano == 0 else finer(nano, 2)


def call_money(nano):
    """One call: to the millionth of a dollar below $1."""
    if nano is None:
        return "–"
    if nano == 0:
        return usd_fixed(0, 2)
    return usd_fixed(nano, 2) if abs(nano) >= 10 ** 9 else finer(nano, 6)


def self_check_money():
    for value, want in [(103_054_321_987, "$103.05"), (560_000_000, "$0.56"), (0, "$0.00"), (4_999_999, "$0.005000"),
                        (5_000_000, "$0.01"), (1_234_567_890_123_456, "$1,234,567.89"), (499, "$0.000000499")]:
        if money(value) != want:
            fail(f"the test's own money({value}) is {money(value)!r}, not {want!r}")
    for value, want in [(4_110_000, "$0.004110"), (4_110_499, "$0.004110"), (4_110_500, "$0.004111"), (999_999_999, "$1.000000"),
                        (1_000_000_000, "$1.00"), (12_345_678_901, "$12.35"), (7_500, "$0.000008"), (1, "$0.000000001")]:
        if call_money(value) != want:
            fail(f"the test's own call_money({value}) is {call_money(value)!r}, not {want!r}")


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


def check_cost(driver, url, expect, screenshots):
    """The cost card, the table's cost cells and the drawer's breakdown against the API and the store."""
    self_check_money()
    stats = api(url, "/stats")
    for key in ["total_cost_nano_usd", "error_cost_nano_usd", "unpriced_executions"]:
        if stats[key] != expect[key]:
            fail(f"the API's stats say {key} = {stats[key]}, the store says {expect[key]}")
    if stats["unpriced_executions"] < 2:
        fail(f"the test store should hold at least 2 executions without a cost, the API counts {stats['unpriced_executions']}")
    card = driver.execute_script("""
        const card = document.getElementById('card-total-cost');
        const marker = document.getElementById('card-unpriced');
        return { value: card.querySelector('.value').dataset.value, text: card.querySelector('.value').textContent,
                 detail: document.getElementById('card-cost-detail').textContent,
                 marker: marker ? marker.textContent : null, markerVisible: marker ? marker.offsetWidth > 0 && marker.offsetHeight > 0 : false };""")
    if card["value"] != str(stats["total_cost_nano_usd"]):
        fail(f"the cost card holds {card['value']!r}, the API's total_cost_nano_usd is {stats['total_cost_nano_usd']}")
    if card["text"] != money(stats["total_cost_nano_usd"]):
        fail(f"the cost card reads {card['text']!r}, not {money(stats['total_cost_nano_usd'])!r}")
    if f"{money(stats['error_cost_nano_usd'])} on failed calls" not in card["detail"]:
        fail(f"the cost card's detail {card['detail']!r} does not give the failed calls' {money(stats['error_cost_nano_usd'])}")
    if card["marker"] != f"{stats['unpriced_executions']:,} unpriced" or not card["markerVisible"]:
        fail(f"the cost card's unpriced marker is {card['marker']!r} (visible: {card['markerVisible']}), "
             f"the API counts {stats['unpriced_executions']} unpriced")

    # Every row of the first page: its cost cell is its cost_nano_usd, formatted, or says why there is none.
    items = {item["id"]: item for item in api(url, "/?limit=50")["items"]}
    shown = rows(driver)
    for row in shown:
        item = items.get(row["id"])
        if item is None:
            fail(f"row {row['id']} is not in the API's first page")
        source, nano = item["cost_source"], item["cost_nano_usd"]
        if nano is not None:
            want = call_money(nano)
            if row["cost"] != want or row["costNano"] != str(nano):
                fail(f"row {row['id']} ({source}) shows the cost {row['cost']!r}, its cost_nano_usd {nano} reads {want!r}")
        elif source == "unpriced":
            if row["cost"] != "unpriced" or "unpriced" not in (row["costFlag"] or ""):
                fail(f"the unpriced row {row['id']} shows {row['cost']!r}")
        elif source == "no_usage":
            if row["cost"] != "no usage" or not row["costFlag"]:
                fail(f"the row without usage {row['id']} shows {row['cost']!r}")
        elif row["cost"] != "–":
            fail(f"row {row['id']}, not priced yet, shows {row['cost']!r}")
    cases = expect["cost_cases"]
    by_id = {row["id"]: row for row in shown}
    for name, case in cases.items():
        if case["id"] not in by_id:
            fail(f"the {name} execution {case['id']} is not on the first page")
    if by_id[cases["priced"]["id"]]["cost"] != call_money(cases["priced"]["cost"]["total_nano_usd"]):
        fail(f"the priced row shows {by_id[cases['priced']['id']]['cost']!r}")
    if by_id[cases["caller"]["id"]]["cost"] != "$0.001235":
        fail(f"the caller's $0.001234567 reads {by_id[cases['caller']['id']]['cost']!r}, not $0.001235")
    if by_id[cases["unpriced"]["id"]]["cost"] != "unpriced":
        fail(f"the mystery model's row reads {by_id[cases['unpriced']['id']]['cost']!r}")

    # The drawer: the breakdown of a priced call, as the store has it.
    priced = cases["priced"]["cost"]
    if priced is None or priced["source"] != "price" or not priced["cache_write_nano_usd"]:
        fail(f"the priced case is not priced with cache writes: {priced}")
    drawer = open_drawer(driver, cases["priced"]["id"])
    for component, key in [("input", "input_nano_usd"), ("cached_input", "cached_input_nano_usd"),
                           ("cache_write", "cache_write_nano_usd"), ("output", "output_nano_usd"), ("total", "total_nano_usd")]:
        shown_amount = drawer["amounts"].get(component)
        if shown_amount is None or shown_amount["text"] != call_money(priced[key]) or shown_amount["nano"] != str(priced[key]):
            fail(f"the drawer's {component} reads {shown_amount}, the store says {priced[key]} ({call_money(priced[key])})")
    if drawer["total"] != call_money(priced["total_nano_usd"]):
        fail(f"the drawer's total reads {drawer['total']!r}")
    if drawer["priceRef"] != priced["price_ref"]:
        fail(f"the drawer's price is {drawer['priceRef']!r}, the store's price_ref {priced['price_ref']!r}")
    if drawer["amounts"]["input"]["tokens"] != "8,000 tokens" or drawer["amounts"]["cache_write"]["tokens"] != "4,000 tokens":
        fail(f"the drawer bills {drawer['amounts']['input']['tokens']!r} uncached input and "
             f"{drawer['amounts']['cache_write']['tokens']!r} cache writes (20,000 − 8,000 cached − 4,000 written)")
    if drawer["cacheWrites"] is None or "4,000" not in drawer["cacheWrites"] or drawer["reasoning"] is None or "600" not in drawer["reasoning"]:
        fail(f"the drawer's token counts lack the cache writes or the reasoning: {drawer['cacheWrites']!r}, {drawer['reasoning']!r}")
    driver.save_screenshot(os.path.join(screenshots, "drawer-cost.png"))
    close_drawer(driver)

    # The mystery model: unpriced, said so, and no amount anywhere in its cost section.
    drawer = open_drawer(driver, cases["unpriced"]["id"])
    if drawer["source"] != "unpriced" or not drawer["message"] or "Unpriced" not in drawer["message"] \
            or "mystery-model" not in drawer["message"]:
        fail(f"the unpriced execution's drawer says {drawer['message']!r} (source {drawer['source']!r})")
    if drawer["total"] is not None or drawer["amounts"] or "$0.0" in drawer["costSection"]:
        fail(f"the unpriced execution's drawer shows an amount: {drawer['costSection']!r}")
    if drawer["cacheWrites"] is not None or drawer["reasoning"] is not None:
        fail("the drawer shows cache writes or reasoning that the execution does not have")
    driver.save_screenshot(os.path.join(screenshots, "drawer-unpriced.png"))
    close_drawer(driver)

    drawer = open_drawer(driver, cases["no_usage"]["id"])
    if drawer["source"] != "no_usage" or "No usage" not in (drawer["message"] or "") or drawer["total"] is not None:
        fail(f"the drawer of the call without usage says {drawer['message']!r}")
    close_drawer(driver)
    drawer = open_drawer(driver, cases["caller"]["id"])
    if drawer["source"] != "caller" or drawer["total"] != "$0.001235" or "caller" not in (drawer["message"] or ""):
        fail(f"the drawer of the caller's amount says {drawer['total']!r}, {drawer['message']!r}")
    close_drawer(driver)

    # The cost over time: bars, by provider then by model, and a legend naming what is stacked.
    def cost_chart():
        return driver.execute_script("""
            return { bars: document.querySelectorAll('#chart-cost svg rect.bar').length,
                     legend: [...document.querySelectorAll('#legend-cost span')].map(span => span.textContent),
                     pressed: document.getElementById('cost-by-model').getAttribute('aria-pressed'),
                     tooltips: [...document.querySelectorAll('#chart-cost svg g > title')].map(title => title.textContent).join('\\n'),
                     models: [...document.querySelectorAll('#chart-cost-models g[data-model]')].map(g => [g.dataset.model, g.querySelector('.provider-value').textContent, g.querySelector('title').textContent]) };""")
    chart = cost_chart()
    if chart["bars"] == 0 or "anthropic" not in chart["legend"] or "nobody" in chart["legend"]:
        fail(f"the cost chart by provider: {chart}")
    # The tooltips name the unpriced executions, never give them an amount.
    if "  nobody: 1" not in chart["tooltips"] or "nobody: $" in chart["tooltips"]:
        fail(f"the cost chart's tooltips by provider do not count nobody's unpriced execution: {chart['tooltips'][-400:]!r}")
    driver.execute_script("document.getElementById('cost-by-model').click()")
    chart = cost_chart()
    if chart["pressed"] != "true" or chart["bars"] == 0 or "claude-sonnet-4-5" not in chart["legend"] or "mystery-model" in chart["legend"]:
        fail(f"the cost chart by model: {chart}")
    if "  mystery-model: 1" not in chart["tooltips"] or "mystery-model: $" in chart["tooltips"]:
        fail(f"the cost chart's tooltips by model do not count mystery-model's unpriced execution: {chart['tooltips'][-400:]!r}")
    mystery = [f"{text} / {title}" for model, text, title in chart["models"] if model == "mystery-model"]
    if not mystery or not mystery[0].startswith("1 unpriced /") or "$" in mystery[0]:
        fail(f"the cost by model does not show mystery-model as unpriced: {chart['models']}")
    driver.execute_script("document.getElementById('cost-by-provider').click()")


def viewport(driver, width, height):
    """Sets the page's viewport to exactly width × height CSS pixels (the window's size includes the browser's frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    wait(driver, lambda d: d.execute_script("return window.innerWidth") == width, f"a {width} px viewport")
    time.sleep(0.3)  # the charts redraw 120 ms after a resize


def check_narrow(driver, expect, screenshots):
    """At 420 px neither the page nor the drawer scrolls sideways (the table scrolls in its own box), and the
    cost card and the cost breakdown fit."""
    viewport(driver, 420, 1000)
    layout = driver.execute_script("""
        const card = document.getElementById('card-total-cost').getBoundingClientRect();
        return { scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
                 card: [card.left, card.right], value: document.querySelector('#card-total-cost .value').scrollWidth,
                 valueBox: document.querySelector('#card-total-cost .value').clientWidth };""")
    if layout["scrollWidth"] > layout["width"]:
        fail(f"at 420 px the page is {layout['scrollWidth']} px wide")
    if layout["card"][1] > layout["width"] or layout["value"] > layout["valueBox"]:
        fail(f"at 420 px the cost card overflows: {layout}")
    driver.save_screenshot(os.path.join(screenshots, "dashboard-420.png"))
    for name in ["priced", "unpriced"]:
        open_drawer(driver, expect["cost_cases"][name]["id"])
        drawer = driver.execute_script("""
            const body = document.getElementById('detail-body'), total = document.getElementById('detail-cost-total');
            return { scrollWidth: body.scrollWidth, clientWidth: body.clientWidth,
                     total: total ? total.getBoundingClientRect().right : null, width: window.innerWidth };""")
        if drawer["scrollWidth"] > drawer["clientWidth"] or (drawer["total"] is not None and drawer["total"] > drawer["width"]):
            fail(f"at 420 px the {name} execution's drawer is wider than the screen: {drawer}")
        driver.save_screenshot(os.path.join(screenshots, f"drawer-{name}-420.png"))
        close_drawer(driver)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    time.sleep(0.3)


def readme_screenshots(driver, url, folder):
    """The README's pictures of a store: the page at 1400 px (dashboard.png) and at 420 px (dashboard-phone.png)."""
    for width, height, name in [(1400, 1180, "dashboard.png"), (420, 1760, "dashboard-phone.png")]:
        viewport(driver, width, height)
        load(driver, url)
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(folder, name))


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


def check(driver, url, expect, screenshots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    timing = load(driver, url)

    # The cards say what the store says.
    for card, key in [("card-total-executions", "total_executions"), ("card-total-tokens", "total_tokens"),
                      ("card-input-tokens", "total_input_tokens")]:
        shown = card_value(driver, card)
        if shown != str(expect[key]):
            fail(f"{card} shows {shown!r}, the store says {expect[key]}")
    average = card_value(driver, "card-avg-time")
    if expect["avg_execution_time_ms"] is None or abs(float(average) - expect["avg_execution_time_ms"]) > 1e-6:
        fail(f"card-avg-time shows {average!r}, the store says {expect['avg_execution_time_ms']}")
    text = driver.find_element(By.CSS_SELECTOR, "#card-total-executions .value").text
    if text.replace(",", "") != str(expect["total_executions"]):
        fail(f"Total Executions reads {text!r}")

    # The table: newest first, a full page.
    shown_rows = rows(driver)
    if not shown_rows or shown_rows[0]["id"] != expect["newest_id"]:
        fail(f"the first row is {shown_rows[0]['id'] if shown_rows else None}, the newest execution is {expect['newest_id']}")
    if len(shown_rows) != min(50, expect["total_executions"]):
        fail(f"the table shows {len(shown_rows)} rows")
    charts = driver.execute_script(
        "return ['executions', 'tokens', 'errors', 'providers'].map(n => document.querySelectorAll('#chart-' + n + ' svg rect, #chart-' + n + ' svg polyline').length)")
    if min(charts) == 0:
        fail(f"a chart is empty: {charts}")
    driver.save_screenshot(os.path.join(screenshots, "dashboard.png"))

    check_cost(driver, url, expect, screenshots)
    check_narrow(driver, expect, screenshots)

    # A filter changes the table and the cards.
    usage_type = expect["filter_usage_type"]
    Select(driver.find_element(By.ID, "filter-usage-type")).select_by_value(usage_type)
    wait(driver, lambda d: card_value(d, "card-total-executions") == str(expect["filtered_total"])
         and d.execute_script("return document.body.dataset.state") == "ready"
         and (rows(d) or [{}])[0].get("id") == expect["filtered_newest_id"], f"the table filtered by {usage_type}")
    shown_rows = rows(driver)
    if any(row["usageType"] != usage_type for row in shown_rows):
        fail(f"rows of another usage type are shown: {set(row['usageType'] for row in shown_rows)}")

    # Clicking a row shows that execution.
    driver.find_element(By.CSS_SELECTOR, f"#executions-table tbody tr[data-id='{expect['filtered_newest_id']}']").click()
    wait(driver, lambda d: d.execute_script(
        "const o = document.getElementById('detail'); return !o.hidden && o.dataset.state === 'ready'"), "the detail view")
    detail = driver.execute_script("""
        const text = id => { const node = document.getElementById(id); return node ? node.textContent : null; };
        return { id: text('detail-id'), title: text('detail-title'), input: text('detail-input-tokens'),
                 messages: text('detail-input-messages'), error: text('detail-error'), body: text('detail-body') };""")
    execution = expect["filtered_newest"]
    if detail["id"] != execution["id"]:
        fail(f"the detail shows {detail['id']}, not the clicked {execution['id']}")
    if execution["model_name"] not in detail["title"] or execution["provider"] not in detail["body"]:
        fail(f"the detail does not name the model and provider: {detail['title']}")
    if json.loads(detail["messages"]) != execution["input_messages"]:
        fail("the detail's input messages differ from the store's")
    if (detail["error"] is not None) != (execution["error_message"] is not None):
        fail("the detail's error section does not match the execution's status")
    driver.save_screenshot(os.path.join(screenshots, "detail.png"))
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(driver, lambda d: d.execute_script("return document.getElementById('detail').hidden"), "the detail to close")

    # Search, chips and timelines, from the whole store.
    load(driver, url)
    check_search(driver, url, expect, screenshots)
    execution = check_timelines(driver, url, expect, screenshots)
    check_narrow_search(driver, url, execution, screenshots)
    return timing


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
    # Spaces as %20: the server reads a + as a plus.
    stats = api(url, f"/stats?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}")
    listing = api(url, f"/?{urllib.parse.urlencode({**params, 'limit': 50}, quote_via=urllib.parse.quote)}")
    ids = [item["id"] for item in listing["items"]]

    def shown(d):
        page = page_state(d)
        return page if page["state"] == "ready" and page["total"] == str(stats["total_executions"]) and page["ids"] == ids else None
    page = wait(driver, shown, f"the page to show {what} ({stats['total_executions']} executions)")
    return page, stats, listing


def search_for(driver, text, enter):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    box = driver.find_element(By.ID, "filter-q")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(text)
    if enter:
        box.send_keys(Keys.ENTER)


def snippets(driver):
    """Each row's search snippet: the text, its <mark>s, and any element in it that is not a <mark>."""
    return driver.execute_script("""
        return [...document.querySelectorAll('#executions-table tbody tr[data-id]')].map(row => {
            const next = row.nextElementSibling;
            const snippet = next && next.classList.contains('snippet-row') && next.dataset.for === row.dataset.id
                ? next.querySelector('.snippet') : null;
            return { id: row.dataset.id, text: snippet ? snippet.textContent : null,
                     marks: snippet ? [...snippet.querySelectorAll('mark')].map(mark => mark.textContent) : [],
                     others: snippet ? [...snippet.querySelectorAll('*')].filter(node => node.tagName !== 'MARK').map(node => node.tagName) : [] };
        });""")


def check_search(driver, url, expect, screenshots):
    """The search box: only the hits, each with its snippet and <mark>ed words; the cards follow; the address keeps it;
    a query the server refuses is said beside the box."""
    # In the responses only: the seeded prompts hold nearly every phrase, a response one.
    phrase = 'response:"retries are idempotent"'
    search_for(driver, phrase, enter=False)  # the short debounce runs it
    page, stats, listing = wait_for_view(driver, url, {"q": phrase}, f"the search {phrase}")
    if not 0 < stats["total_executions"] < expect["total_executions"] / 2:
        fail(f"the search {phrase} should find some executions, not all: {stats['total_executions']} of {expect['total_executions']}")
    if f"of {stats['total_executions']:,}" not in page["summary"]:
        fail(f"the table's summary {page['summary']!r} does not count the {stats['total_executions']} hits")
    if ["q", f"search:{phrase}×"] not in page["chips"] or "q=" not in page["hash"]:
        fail(f"the search is not a chip nor in the address: {page['chips']}, {page['hash']!r}")
    api_snippets = {item["id"]: item["snippet"] for item in listing["items"]}
    for hit in snippets(driver):
        want = api_snippets[hit["id"]]
        segments = want["segments"] if isinstance(want, dict) else want
        if hit["text"] != "".join(segment["text"] for segment in segments):
            fail(f"row {hit['id']}'s snippet reads {hit['text']!r}, the API's {segments}")
        if hit["marks"] != [segment["text"] for segment in segments if segment["match"]] or not hit["marks"]:
            fail(f"row {hit['id']}'s marks are {hit['marks']}, the API's matches {segments}")
        if "idempotent" not in " ".join(hit["marks"]).lower() or hit["others"]:
            fail(f"row {hit['id']}'s snippet does not mark 'idempotent' alone: {hit}")
    outside = driver.execute_script("return [...document.querySelectorAll('mark')].filter(m => !m.closest('.snippet')).length")
    if outside:
        fail(f"{outside} <mark> elements outside the snippets")
    driver.save_screenshot(os.path.join(screenshots, "search-1400.png"))
    driver.execute_script("document.querySelector('.table-panel').scrollIntoView()")
    driver.save_screenshot(os.path.join(screenshots, "search-table-1400.png"))

    # The address holds the search: a reload shows the same hits.
    driver.refresh()
    page, _, _ = wait_for_view(driver, url, {"q": phrase}, "the search after a reload")
    if driver.execute_script("return document.getElementById('filter-q').value") != phrase:
        fail("after a reload the search box does not hold the search")

    # HTML in a stored text is shown as text, the match in a <mark> built by the page.
    search_for(driver, "zebra", enter=True)
    wait_for_view(driver, url, {"q": "zebra"}, "the search zebra")
    hits = snippets(driver)
    if len(hits) != 1 or hits[0]["marks"] != ["zebra"] or hits[0]["others"] or "<b>" not in (hits[0]["text"] or ""):
        fail(f"the hit of zebra (a response with HTML in it) shows {hits}")

    # A query FTS5 refuses: the server's message beside the box, no broken table, no banner.
    status, body = api_at(url, "/api/v1/ai-executions/?q=gpt-4")
    if status != 400 or "gpt-4" not in body.get("error", ""):
        fail(f"the API answers {status} {body} to q=gpt-4")
    search_for(driver, "gpt-4", enter=True)
    page = wait(driver, lambda d: (lambda p: p if p["searchError"] and p["state"] == "error" else None)(page_state(d)), "the search error")
    if page["searchError"] != body["error"] or page["banner"] or page["ids"]:
        fail(f"a bad query shows {page['searchError']!r} (the API says {body['error']!r}), banner {page['banner']!r}, rows {len(page['ids'])}")
    table_state = driver.execute_script("const s = document.getElementById('table-state'); return [s.hidden, s.className, s.textContent]")
    if table_state[0] or "error" in table_state[1]:
        fail(f"a bad query shows the table as broken: {table_state}")
    driver.save_screenshot(os.path.join(screenshots, "search-error-1400.png"))

    # Emptying the box clears the search.
    search_for(driver, "", enter=True)
    page, _, _ = wait_for_view(driver, url, {}, "the page without a search")
    if page["searchError"] or page["chips"] or page["hash"]:
        fail(f"an emptied search leaves {page['searchError']!r}, chips {page['chips']}, address {page['hash']!r}")


def timeline_state(driver):
    return driver.execute_script("""
        const overlay = document.getElementById('timeline');
        const tile = id => { const n = document.getElementById(id); return n ? n.dataset.value : null; };
        return { hidden: overlay.hidden, state: overlay.dataset.state, kind: overlay.dataset.kind,
                 id: document.getElementById('timeline-id').textContent,
                 rows: [...overlay.querySelectorAll('.timeline-row')].map(row => {
                     const bar = row.querySelector('.timeline-bar');
                     return { id: row.dataset.id, offset: Number(row.dataset.offset), text: row.textContent,
                              left: parseFloat(bar.style.left), width: parseFloat(bar.style.width) }; }),
                 tracks: [...new Set([...overlay.querySelectorAll('.timeline-track')].map(track => {
                     const box = track.getBoundingClientRect(); return `${Math.round(box.left)}-${Math.round(box.width)}`; }))],
                 groups: [...overlay.querySelectorAll('.timeline-group')].map(g => [g.dataset.trace, g.querySelectorAll('.timeline-row').length]),
                 calls: tile('timeline-calls'), tokens: tile('timeline-tokens'), cost: tile('timeline-cost'), span: tile('timeline-span'),
                 detailHidden: document.getElementById('detail').hidden };""")


def wait_timeline(driver, kind, timeline_id):
    return wait(driver, lambda d: (lambda t: t if not t["hidden"] and t["state"] == "ready" and t["kind"] == kind
                                   and t["id"] == timeline_id else None)(timeline_state(d)), f"the timeline of {kind} {timeline_id}")


def check_timeline_against(shown, timeline, what):
    want = [x["id"] for x in timeline["executions"]]
    if [row["id"] for row in shown["rows"]] != want:
        fail(f"the {what} timeline shows {len(shown['rows'])} calls {[r['id'] for r in shown['rows']]}, the API {len(want)}: {want}")
    totals = timeline["totals"]
    if shown["calls"] != str(totals["executions"]) or shown["tokens"] != str(totals["total_tokens"]) \
            or shown["cost"] != str(totals["cost_nano_usd"]) or shown["span"] != str(timeline["span_ms"]):
        fail(f"the {what} timeline's totals {shown} differ from the API's {totals}, span {timeline['span_ms']}")
    if len(shown["tracks"]) != 1:
        fail(f"the {what} timeline's bars are not on one scale: their tracks (left-width) are {shown['tracks']}")
    span = max(1, timeline["span_ms"])
    for row, x in zip(shown["rows"], timeline["executions"]):
        if abs(row["left"] - 100 * x["start_offset_ms"] / span) > 0.01 or row["offset"] != x["start_offset_ms"]:
            fail(f"the bar of {x['id']} starts at {row['left']}%, its start_offset_ms {x['start_offset_ms']} of {span} ms")
        if not row["text"].startswith("+") or x["model_name"] not in row["text"]:
            fail(f"the row of {x['id']} reads {row['text']!r}")


def check_timelines(driver, url, expect, screenshots):
    """Trace and session ids in the drawer open their timelines, as the API has them; a user id adds a chip that
    removing restores the whole list."""
    from selenium.webdriver.common.by import By
    priced = expect["cost_cases"]["priced"]["id"]
    execution = api(url, f"/{priced}")
    open_drawer(driver, priced)
    links = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#detail-body .id-link')].map(b => [b.dataset.kind, [b.dataset.value, b.textContent, b.querySelectorAll('*').length]]))")
    for kind in ["trace", "session", "user"]:
        value = execution[f"{kind}_id"]
        if links.get(kind) != [value, value, 0]:
            fail(f"the drawer's {kind} link is {links.get(kind)}, the execution's {kind}_id {value!r}")
    status, trace = api_at(url, f"/api/v1/traces/{urllib.parse.quote(execution['trace_id'])}")
    if status != 200 or len(trace["executions"]) < 2:
        fail(f"the trace {execution['trace_id']} should hold several executions: {status} {trace}")
    driver.find_element(By.CSS_SELECTOR, "#detail-body .id-link.trace").click()
    shown = wait_timeline(driver, "trace", execution["trace_id"])
    if not shown["detailHidden"]:
        fail("the drawer stays open over the trace's timeline")
    check_timeline_against(shown, trace, "trace")
    if "trace=" not in driver.execute_script("return location.hash"):
        fail("the open timeline is not in the address")
    driver.save_screenshot(os.path.join(screenshots, "trace-1400.png"))

    # A row opens its execution over the timeline; Escape goes back to the timeline.
    second = trace["executions"][1]["id"]
    driver.find_element(By.CSS_SELECTOR, f"#timeline-body .timeline-row[data-id='{second}']").click()
    wait(driver, lambda d: d.execute_script(
        "const o = document.getElementById('detail'); return !o.hidden && o.dataset.state === 'ready' "
        "&& document.getElementById('detail-id').textContent === arguments[0]", second), "the detail from the timeline")
    close_drawer(driver)
    if timeline_state(driver)["hidden"]:
        fail("closing an execution opened from the timeline closed the timeline too")

    # The session: its calls grouped by trace.
    status, session = api_at(url, f"/api/v1/sessions/{urllib.parse.quote(execution['session_id'])}")
    driver.find_element(By.CSS_SELECTOR, "#timeline-body .timeline-actions .id-link.session").click()
    shown = wait_timeline(driver, "session", execution["session_id"])
    check_timeline_against(shown, session, "session")
    traces = {}
    for x in session["executions"]:
        traces[x["trace_id"]] = traces.get(x["trace_id"], 0) + 1
    if shown["groups"] != [list(item) for item in traces.items()] or len(traces) < 2:
        fail(f"the session's groups are {shown['groups']}, its traces {traces}")
    driver.save_screenshot(os.path.join(screenshots, "session-1400.png"))

    # Filter the list by this session: a chip, the session's executions only; removing the chip restores the list.
    driver.find_element(By.ID, "timeline-filter").click()
    page, stats, _ = wait_for_view(driver, url, {"session_id": execution["session_id"]}, "the list filtered by the session")
    if stats["total_executions"] != len(session["executions"]) or page["chips"] != [["sessionId", f"session:{execution['session_id']}×"]]:
        fail(f"filtered by the session: {stats['total_executions']} executions, chips {page['chips']}")
    if not timeline_state(driver)["hidden"]:
        fail("the timeline stays open after filtering the list by it")
    driver.find_element(By.CSS_SELECTOR, "#filter-chips .filter-chip[data-filter='sessionId'] .chip-remove").click()
    page, stats, _ = wait_for_view(driver, url, {}, "the list without the session chip")
    if stats["total_executions"] != expect["total_executions"] or page["chips"]:
        fail(f"removing the session chip leaves {page['total']} executions and chips {page['chips']}")

    # The user id (HTML in it) adds a chip that shows it as text.
    open_drawer(driver, priced)
    driver.find_element(By.CSS_SELECTOR, "#detail-body .id-link.user").click()
    page, stats, _ = wait_for_view(driver, url, {"user_id": execution["user_id"]}, "the list filtered by the user")
    chip = driver.execute_script(
        "const c = document.querySelector(\"#filter-chips .filter-chip[data-filter='userId']\"); return c ? [c.textContent, c.querySelectorAll('b').length] : null")
    if chip != [f"user:{execution['user_id']}×", 0] or not 0 < stats["total_executions"] < expect["total_executions"]:
        fail(f"the user chip is {chip}, the user's executions {stats['total_executions']}")
    if not driver.execute_script("return document.getElementById('detail').hidden"):
        fail("the drawer stays open after filtering by its user")
    return execution


def check_narrow_search(driver, url, execution, screenshots):
    """At 420 px, with a search, chips and snippets, and with a timeline open, nothing scrolls sideways."""
    from selenium.webdriver.common.by import By
    viewport(driver, 420, 1000)
    search_for(driver, "idempotent", enter=True)
    wait_for_view(driver, url, {"user_id": execution["user_id"], "q": "idempotent"}, "the user's search at 420 px")
    search_for(driver, "idempotent OR zebra", enter=True)
    wait_for_view(driver, url, {"user_id": execution["user_id"], "q": "idempotent OR zebra"}, "the user's search at 420 px")
    driver.find_element(By.CSS_SELECTOR, "#filter-chips .filter-chip[data-filter='userId'] .chip-remove").click()
    wait_for_view(driver, url, {"q": "idempotent OR zebra"}, "the search at 420 px")
    driver.find_element(By.CSS_SELECTOR, "#executions-table .id-link.trace")  # the table's trace links are there
    layout = driver.execute_script("""
        const wide = [...document.querySelectorAll('.filters *, .snippet')].filter(n => n.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(n => n.id || n.className || n.tagName);
        return { scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, wide };""")
    if layout["scrollWidth"] > layout["width"] or layout["wide"]:
        fail(f"at 420 px with a search the page is {layout['scrollWidth']} px wide, beyond the screen: {layout['wide'][:5]}")
    driver.save_screenshot(os.path.join(screenshots, "search-420.png"))
    driver.execute_script("document.querySelector('.table-panel').scrollIntoView()")
    driver.save_screenshot(os.path.join(screenshots, "search-table-420.png"))
    driver.execute_script("document.querySelector('#executions-table .id-link.trace').click()")
    wait(driver, lambda d: (lambda t: t["state"] == "ready" and not t["hidden"])(timeline_state(d)), "the timeline at 420 px")
    driver.execute_script("document.querySelector('#timeline-body .timeline-actions .id-link.session').click()")
    shown = wait(driver, lambda d: (lambda t: t if t["state"] == "ready" and t["kind"] == "session" and not t["hidden"] else None)(
        timeline_state(d)), "the session at 420 px")
    check_timeline_against(shown, api_at(url, f"/api/v1/sessions/{urllib.parse.quote(shown['id'])}")[1], "session (420 px)")
    body = driver.execute_script("""
        const body = document.getElementById('timeline-body');
        const wide = [...body.querySelectorAll('*')].filter(n => n.getBoundingClientRect().right > window.innerWidth + 0.5).map(n => n.className);
        return { scrollWidth: body.scrollWidth, clientWidth: body.clientWidth, wide };""")
    if body["scrollWidth"] > body["clientWidth"] or body["wide"]:
        fail(f"at 420 px the timeline is wider than the screen: {body['scrollWidth']} > {body['clientWidth']}, {body['wide'][:5]}")
    driver.save_screenshot(os.path.join(screenshots, "session-420.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    time.sleep(0.3)


def open_newest(driver, url, execution, screenshots):
    """Opens the drawer of the newest execution (the first row) and checks that it shows `execution`."""
    load(driver, url)
    first = (rows(driver) or [{}])[0].get("id")
    if first != execution["id"]:
        fail(f"the first row is {first}, expected {execution['id']}")
    driver.execute_script("document.querySelector('#executions-table tbody tr').click()")
    wait(driver, lambda d: d.execute_script(
        "const o = document.getElementById('detail'); return !o.hidden && o.dataset.state === 'ready'"), "the detail view")
    shown = driver.execute_script("""
        return { messages: document.getElementById('detail-input-messages').textContent,
                 body: document.getElementById('detail-body').textContent,
                 banner: document.getElementById('error-banner').textContent };""")
    if json.loads(shown["messages"]) != execution["input_messages"]:
        fail("the drawer's input messages differ from the execution's")
    if execution.get("execution_metadata") is not None and "Metadata" not in shown["body"]:
        fail("the drawer does not show the metadata")
    if shown["banner"]:
        fail(f"the page shows an error: {shown['banner']}")
    driver.save_screenshot(os.path.join(screenshots, "drawer.png"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--expect")
    parser.add_argument("--screenshots", default=".")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--open-newest", metavar="EXECUTION_JSON")
    parser.add_argument("--readme-screenshots", metavar="DIR")
    arguments = parser.parse_args()
    driver = start_browser()
    try:
        if arguments.open_newest:
            with open(arguments.open_newest) as file:
                open_newest(driver, arguments.url, json.load(file), arguments.screenshots)
            print(json.dumps({"passed": True}), flush=True)
            return
        if arguments.readme_screenshots:
            readme_screenshots(driver, arguments.url, arguments.readme_screenshots)
            print(json.dumps({"screenshots": arguments.readme_screenshots}), flush=True)
            return
        if arguments.measure_only:
            timings = [load(driver, arguments.url) for _ in range(arguments.runs)]
            driver.save_screenshot(os.path.join(arguments.screenshots, "dashboard.png"))
            print(json.dumps({"timings": timings}), flush=True)
            return
        with open(arguments.expect) as file:
            expect = json.load(file)
        started = time.monotonic()
        timing = check(driver, arguments.url, expect, arguments.screenshots)
        print(json.dumps({"passed": True, "seconds": round(time.monotonic() - started, 2), **timing}), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
