#!/usr/bin/env python3
"""Drives the execlog dashboard in headless Chromium (Selenium) and checks it against the store.

Run by Tests/ExecLogServerTests/BrowserTests.swift, which starts `execlog serve` over a seeded store and
writes what the store says into the --expect file. Exit status: 0 passed, 1 failed (a line `FAIL: ...`),
77 Chromium cannot run here (a line `SKIP: ...`). The last stdout line is a JSON summary.

    dashboard_test.py --url http://127.0.0.1:PORT/ --expect expect.json --screenshots DIR
    dashboard_test.py --url ... --measure-only     # print the first load's time, check nothing
    dashboard_test.py --url ... --open-newest execution.json   # open the newest row's drawer, compare it
    dashboard_test.py --url ... --readme-screenshots docs      # docs/dashboard.png (1400 px), dashboard-phone.png (420 px)
    dashboard_test.py --url ... --expect ... --stale-url URL --stale-pid PID --stale-command '["execlog", "serve", ...]' \
        --empty-url URL   # a second server that the test stops and restarts, a third over an empty store
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
    return MISSING if nano is None else usd_fixed(0, 2) if nano == 0 else finer(nano, 2)


def call_money(nano):
    """One call: to the millionth of a dollar below $1."""
    if nano is None:
        return MISSING
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
        const right = n => n.getBoundingClientRect().right;
        const cards = [...document.querySelectorAll('.card')];
        return { scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
                 cards: cards.map(c => [c.id, right(c), c.querySelector('.value').scrollWidth, c.querySelector('.value').clientWidth]),
                 stacked: new Set(cards.map(c => Math.round(c.getBoundingClientRect().left))).size,
                 wide: [...document.querySelectorAll('.topbar *, .pager *, #executions-table tr, #executions-table td')]
                     .filter(n => n.getClientRects().length && right(n) > window.innerWidth + 0.5).map(n => n.id || n.className || n.tagName),
                 rows: [...document.querySelectorAll('#executions-table tbody tr[data-id]')].map(r => r.getBoundingClientRect().height),
                 tableScroll: [document.querySelector('.table-scroll').scrollWidth, document.querySelector('.table-scroll').clientWidth] };""")
    if layout["scrollWidth"] > layout["width"]:
        fail(f"at 420 px the page is {layout['scrollWidth']} px wide")
    for card, card_right, scroll, client in layout["cards"]:
        if card_right > layout["width"] or scroll > client:
            fail(f"at 420 px the card {card} is cut off: {layout['cards']}")
    if layout["stacked"] != 1 or layout["wide"] or layout["tableScroll"][0] > layout["tableScroll"][1]:
        fail(f"at 420 px the cards are not stacked ({layout['stacked']} columns) or these stick out: {layout['wide'][:6]}, table {layout['tableScroll']}")
    if not layout["rows"] or max(layout["rows"]) > 80:
        fail(f"at 420 px a table row is not two lines: heights {sorted(layout['rows'])[-3:]}")
    driver.save_screenshot(os.path.join(screenshots, "dashboard-420.png"))
    for name in ["priced", "unpriced"]:
        open_drawer(driver, expect["cost_cases"][name]["id"])
        drawer = driver.execute_script("""
            const body = document.getElementById('detail-body'), total = document.getElementById('detail-cost-total');
            return { scrollWidth: body.scrollWidth, clientWidth: body.clientWidth, drawer: document.querySelector('#detail .drawer').offsetWidth,
                     total: total ? total.getBoundingClientRect().right : null, width: window.innerWidth };""")
        if drawer["scrollWidth"] > drawer["clientWidth"] or (drawer["total"] is not None and drawer["total"] > drawer["width"]) \
                or drawer["drawer"] != drawer["width"]:
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


def check(driver, url, expect, screenshots, arguments):
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

    check_durations(driver)
    check_missing_tokens(driver, expect)
    check_long_names(driver, expect)
    check_more_charts(driver, url)
    check_sticky_header(driver)
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

    check_filter_values(driver, url, expect)
    check_history(driver, url, expect)
    check_zone(driver, url, expect)
    load(driver, url)
    check_drawer_keys(driver, expect)
    check_conversation(driver, expect)
    check_error_column(driver, url)
    sorted_ = check_sort(driver, url)
    if arguments.empty_url:
        check_empty_store(driver, arguments.empty_url)
    if arguments.stale_url:
        check_stale(driver, arguments.stale_url, arguments.stale_pid, json.loads(arguments.stale_command), screenshots)
    return {**timing, "sort_checked": sorted_}


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



# ---- Issue 18: the page as people use it ----

def select_filter(driver, control_id, value):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    Select(driver.find_element(By.ID, control_id)).select_by_value(value)


def check_durations(driver):
    """The page's duration formatter gives exactly the shared cases of Tests/formatting/durations.json."""
    with open(os.path.join(HERE, "..", "formatting", "durations.json")) as file:
        cases = json.load(file)
    shown = driver.execute_script(
        "return [arguments[0].map(c => window.execlogFormat.duration(c[0])), window.execlogFormat.duration(null),"
        " window.execlogFormat.duration(undefined)]", cases["cases"])
    for (ms, want), got in zip(cases["cases"], shown[0]):
        if got != want:
            fail(f"the page writes {ms} ms as {got!r}, the shared rule (durations.json) {want!r}")
    if shown[1] != cases["missing"] or shown[2] != cases["missing"]:
        fail(f"the page writes a missing duration as {shown[1]!r}, not {cases['missing']!r}")


def check_missing_tokens(driver, expect):
    """A call without usage: its tokens read the missing mark, never "0 — / —"."""
    cell = driver.execute_script(
        "const r = document.querySelector(`#executions-table tr[data-id='${arguments[0]}'] td.tokens`);"
        " return r ? [r.textContent, r.querySelectorAll('small').length] : null", expect["cost_cases"]["no_usage"]["id"])
    if cell != [MISSING, 0]:
        fail(f"the tokens of the call without usage read {cell}, not {MISSING!r}")
    texts = driver.execute_script("return [...document.querySelectorAll('#executions-table td, .card .value')].map(n => n.textContent)")
    if any("—" in text for text in texts):
        fail(f"the page shows an em dash for a missing value: {[t for t in texts if '—' in t][:3]}")


def check_long_names(driver, expect):
    """A 100-character model name: cut with an ellipsis in the table, whole in the title; no column pushed off."""
    long = expect["long_model"]
    cell = driver.execute_script("""
        const td = document.querySelector(`#executions-table tr[data-id='${arguments[0]}'] td.model`);
        if (!td) return null;
        const span = td.querySelector('.truncate'), style = getComputedStyle(span);
        const table = document.getElementById('executions-table').getBoundingClientRect();
        const panel = document.querySelector('.table-panel').getBoundingClientRect();
        const heads = [...document.querySelectorAll('#executions-table thead th')].filter(th => th.offsetWidth > 0)
            .map(th => th.getBoundingClientRect().right);
        return { title: td.title, cut: span.scrollWidth > span.clientWidth, ellipsis: style.textOverflow,
                 tableRight: table.right, panelRight: panel.right, headRight: Math.max(...heads),
                 pageWidth: document.documentElement.scrollWidth, width: window.innerWidth };""", long["id"])
    if cell is None:
        fail(f"the long model's row {long['id']} is not on the first page")
    if cell["title"] != long["name"] or not cell["cut"] or cell["ellipsis"] != "ellipsis":
        fail(f"the 100-character model name is not cut with an ellipsis and whole in the title: {cell}")
    if cell["tableRight"] > cell["panelRight"] + 0.5 or cell["headRight"] > cell["width"] or cell["pageWidth"] > cell["width"]:
        fail(f"the long model name pushes the table beyond its panel or the screen: {cell}")


def check_filter_values(driver, url, expect):
    """Values with a space or a '+': choosing each shows exactly its executions, and the cards count them."""
    controls = {"usage_type": "filter-usage-type", "provider": "filter-provider", "model_name": "filter-model"}
    for name, values in expect["filter_cases"].items():
        for value, ids in values.items():
            load(driver, url)
            select_filter(driver, controls[name], value)
            page, stats, listing = wait_for_view(driver, url, {name: value}, f"{name} = {value!r}")
            if sorted(page["ids"], reverse=True) != ids or page["total"] != str(len(ids)):
                fail(f"filtered by {name} = {value!r} the page shows {page['ids']} (total {page['total']}), the store {ids}")
            if urllib.parse.parse_qs(page["hash"][1:]).get(name) != [value]:
                fail(f"the address {page['hash']!r} does not hold {name} = {value!r}")


def controls(driver):
    return driver.execute_script("""return Object.fromEntries(['filter-usage-type', 'filter-provider', 'filter-model', 'filter-status',
        'filter-range', 'filter-start-date', 'filter-end-date', 'filter-q'].map(id => [id, document.getElementById(id).value]))""")


def check_history(driver, url, expect):
    """Back, Forward and reload follow every filter; relative and custom ranges; short ranges by the hour."""
    load(driver, url)
    select_filter(driver, "filter-usage-type", "code review")
    wait_for_view(driver, url, {"usage_type": "code review"}, "the usage type")
    select_filter(driver, "filter-model", "c++ helper")
    both = {"usage_type": "code review", "model_name": "c++ helper"}
    wait_for_view(driver, url, both, "usage type and model")
    select_filter(driver, "filter-status", "false")
    three = {**both, "has_error": "false"}
    wait_for_view(driver, url, three, "usage type, model and status")
    driver.back()
    wait_for_view(driver, url, both, "the page after Back")
    if controls(driver)["filter-model"] != "c++ helper" or controls(driver)["filter-status"] != "":
        fail(f"after Back the controls show {controls(driver)}")
    driver.back()
    wait_for_view(driver, url, {"usage_type": "code review"}, "the page after a second Back")
    if controls(driver)["filter-model"] != "":
        fail(f"after a second Back the model is still {controls(driver)['filter-model']!r}")
    driver.forward()
    wait_for_view(driver, url, both, "the page after Forward")
    driver.refresh()
    wait_for_view(driver, url, both, "the page after a reload")
    shown = controls(driver)
    if shown["filter-usage-type"] != "code review" or shown["filter-model"] != "c++ helper":
        fail(f"after a reload the controls show {shown}")

    # A relative range: an hour, charted by the hour, kept in the address.
    load(driver, url)
    select_filter(driver, "filter-range", "1h")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready"
         and "range=1h" in d.execute_script("return location.hash"), "the last hour")
    state = driver.execute_script("""return { bucket: document.getElementById('chart-executions').dataset.bucket,
        total: Number(document.querySelector('#card-total-executions .value').dataset.value) }""")
    recent = api(url, "/stats?" + urllib.parse.urlencode({"start_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))}))
    if state["bucket"] != "hour" or abs(state["total"] - recent["total_executions"]) > 2 or state["total"] < 9:
        fail(f"the last hour shows {state}, the API {recent['total_executions']} executions")
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready", "the reload of the last hour")
    if controls(driver)["filter-range"] != "1h":
        fail(f"after a reload the range is {controls(driver)['filter-range']!r}")

    # A custom range shorter than a day (the page's zone is UTC): From / To as times.
    start = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 7200))
    end = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 120))
    driver.execute_script("""for (const [id, value] of [['filter-start-date', arguments[0]], ['filter-end-date', arguments[1]]]) {
        const input = document.getElementById(id); input.value = value; input.dispatchEvent(new Event('change')); }""", start, end)
    params = {"start_date": start + ":00Z", "end_date": end + ":00Z"}
    page, stats, _ = wait_for_view(driver, url, params, "a custom range of two hours")
    if controls(driver)["filter-range"] != "custom" or driver.execute_script(
            "return document.getElementById('chart-executions').dataset.bucket") != "hour":
        fail(f"a custom range of two hours: {controls(driver)}")
    driver.refresh()
    wait_for_view(driver, url, params, "the custom range after a reload")


def check_zone(driver, url, expect):
    """One zone for the page: UTC by default, local on the toggle (remembered), named in the table's header."""
    import datetime
    from zoneinfo import ZoneInfo
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    try:
        load(driver, url)
        newest = api(url, "/?limit=1")["items"][0]
        created = datetime.datetime.fromisoformat(newest["created_at"].replace("Z", "+00:00"))

        def shown():
            return driver.execute_script("""const row = document.querySelector(`#executions-table tr[data-id='${arguments[0]}'] td.time`);
                return [row ? row.textContent : null, document.getElementById('th-time').textContent]""", newest["id"])

        def text(moment):
            return f"{moment:%b} {moment.day}, {moment:%H:%M:%S}"
        for zone, when, header in [("utc", created, "(UTC)"),
                                   ("local", created.astimezone(ZoneInfo("America/New_York")), None)]:
            driver.execute_script("document.getElementById(arguments[0]).click()", f"zone-{zone}")
            row, head = shown()
            offset = when.strftime("%z")
            header = header or f"(UTC\u2212{offset[1:3]}:{offset[3:]})"
            if row != text(when) or header not in head:
                fail(f"in {zone} time the newest row reads {row!r} under {head!r}, expected {text(when)!r} under {header!r}")
        load(driver, url)  # remembered
        if shown()[0] != text(created.astimezone(ZoneInfo("America/New_York"))):
            fail(f"the local zone is not remembered after a reload: {shown()}")
        driver.execute_script("document.getElementById('zone-utc').click()")
    finally:
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def check_sort(driver, url):
    """Sorting by the Tokens, Duration and Cost headers (aria-sort), paging by skip; by time with the cursor."""
    status, body = api_at(url, "/api/v1/ai-executions/?sort=total_tokens&order=desc&limit=1")
    if status != 200:
        fail(f"the list does not sort: {status} {body}")
    load(driver, url)
    for key in ["total_tokens", "execution_time_ms", "cost_nano_usd"]:
        for order in ["desc", "asc"]:
            driver.execute_script("document.querySelector(`#executions-table th[data-sort='${arguments[0]}'] .sort-button`).click()", key)
            listing = api(url, f"/?sort={key}&order={order}&limit=50")
            want = [item["id"] for item in listing["items"]]
            wait(driver, lambda d: d.execute_script("return document.getElementById('executions-table').dataset.state") == "ready"
                 and [r["id"] for r in rows(d)] == want, f"the table sorted by {key} {order}")
            sort = driver.execute_script(
                "return document.querySelector(`#executions-table th[data-sort='${arguments[0]}']`).getAttribute('aria-sort')", key)
            if sort != ("descending" if order == "desc" else "ascending") or f"sort={key}" not in driver.current_url:
                fail(f"sorted by {key} {order}: aria-sort {sort!r}, address {driver.current_url}")
    driver.execute_script("document.getElementById('page-next').click()")
    second = [item["id"] for item in api(url, "/?sort=cost_nano_usd&order=asc&limit=50&skip=50")["items"]]
    wait(driver, lambda d: [r["id"] for r in rows(d)] == second, "the second page sorted by cost")
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready"
         and [r["id"] for r in rows(d)] == [item["id"] for item in api(url, "/?sort=cost_nano_usd&order=asc&limit=50")["items"]],
         "the sort after a reload")
    return True


def check_error_column(driver, url):
    """With errors only, an Error column: each message cut, whole in the title."""
    load(driver, url)
    if driver.execute_script("return !document.getElementById('th-error').hidden"):
        fail("the Error column is shown without the errors filter")
    select_filter(driver, "filter-status", "true")
    _, _, listing = wait_for_view(driver, url, {"has_error": "true"}, "errors only")
    cells = driver.execute_script("""return [!document.getElementById('th-error').hidden,
        [...document.querySelectorAll('#executions-table tbody tr[data-id]')].map(r => {
            const td = r.querySelector('td.error-message'); return td ? [td.title, getComputedStyle(td.querySelector('.truncate')).textOverflow] : null; })]""")
    want = [[item["error_message"], "ellipsis"] for item in listing["items"]]
    if not cells[0] or cells[1] != want or not want:
        fail(f"errors only: the Error column shows {cells[0]}, {cells[1][:3]}, the API {want[:3]}")


def check_drawer_keys(driver, expect):
    """The drawer is modal: Tab and Shift+Tab stay in it, Escape closes it, focus goes back to the row that opened it."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    target = expect["conversation_id"]
    driver.execute_script("document.querySelector(`#executions-table tr[data-id='${arguments[0]}']`).focus()", target)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait(driver, lambda d: d.execute_script("const o = document.getElementById('detail'); return !o.hidden && o.dataset.state === 'ready'"),
         "the drawer opened by Enter")
    inside = "const a = document.activeElement; return [document.querySelector('#detail .drawer').contains(a), a.id || a.className || a.tagName]"
    count = driver.execute_script("return [...document.querySelectorAll('#detail .drawer button, #detail .drawer summary')].filter(n => n.getClientRects().length).length")
    first = driver.execute_script(inside)
    if not first[0]:
        fail(f"the drawer opens without the focus in it: {first}")
    seen = set()
    for _ in range(count + 2):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        where = driver.execute_script(inside)
        if not where[0]:
            fail(f"Tab leaves the drawer, to {where[1]}")
        seen.add(where[1])
    driver.execute_script(
        "[...document.querySelectorAll('#detail .drawer button, #detail .drawer summary')].filter(n => n.getClientRects().length)[0].focus()")
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    where = driver.execute_script(inside)
    last = driver.execute_script(
        "const n = [...document.querySelectorAll('#detail .drawer button, #detail .drawer summary')].filter(n => n.getClientRects().length); return n[n.length - 1] === document.activeElement")
    if not where[0] or not last:
        fail(f"Shift+Tab from the drawer's first control goes to {where}, not its last")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    back = driver.execute_script("return [document.getElementById('detail').hidden, document.activeElement.dataset ? document.activeElement.dataset.id : null]")
    if back != [True, target]:
        fail(f"Escape leaves the drawer hidden = {back[0]} and the focus on {back[1]}, not the row {target}")


def check_conversation(driver, expect):
    """The input messages as a conversation: roles, text with its line breaks, ``` code as <pre>, all as text; copy buttons."""
    driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
                                                        "origin": driver.execute_script("return location.origin")})
    target = expect["conversation_id"]
    open_drawer(driver, target)
    shown = driver.execute_script("""
        const body = document.getElementById('detail-body');
        const messages = [...body.querySelectorAll('#detail-conversation .message')];
        return { roles: messages.map(m => m.dataset.role),
                 code: messages.map(m => [...m.querySelectorAll('pre.message-code')].map(p => p.textContent)),
                 texts: messages.map(m => [...m.querySelectorAll('.message-text')].map(p => p.textContent)),
                 whiteSpace: messages.length ? getComputedStyle(messages[2].querySelector('.message-text')).whiteSpace : null,
                 html: body.querySelectorAll('b, img').length,
                 copies: ['detail-copy-id', 'detail-copy-trace', 'detail-copy-session'].map(id => Boolean(document.getElementById(id))),
                 copyButtons: body.querySelectorAll('.copy-button').length,
                 response: [...document.querySelectorAll('#detail-response pre')].map(p => p.textContent) };""")
    if shown["roles"] != ["system", "user", "assistant"]:
        fail(f"the conversation's roles are {shown['roles']}")
    if shown["code"][1] != ['let a = "<b>x</b>"\nprint(a)'] or shown["texts"][1] != ["Review this:", "Thanks <img src=x>"]:
        fail(f"the user's message shows code {shown['code'][1]} and text {shown['texts'][1]}")
    if shown["texts"][2] != ["Line one\nLine two"] or shown["whiteSpace"] != "pre-wrap":
        fail(f"the assistant's line breaks are lost: {shown['texts'][2]}, white-space {shown['whiteSpace']}")
    if shown["html"] or shown["texts"][0] != ["Answer in <b>plain</b> text."]:
        fail(f"HTML of a message became elements: {shown}")
    # id, trace, session; system prompt, three messages, all messages, response
    if not all(shown["copies"]) or shown["copyButtons"] < 8 or shown["response"] != ["let b = 2"]:
        fail(f"the drawer's copy buttons or response: {shown}")
    driver.execute_script("document.getElementById('detail-copy-id').click()")
    wait(driver, lambda d: d.execute_script("return document.getElementById('detail-copy-id').dataset.copied") == "true", "the id copied")
    copied = driver.execute_async_script("const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e))")
    if copied != target:
        fail(f"the id's copy button put {copied!r} on the clipboard, not {target!r}")
    close_drawer(driver)


def check_more_charts(driver, url):
    """Executions by usage type (the stats'), and p95 latency over time (the time series')."""
    stats = api(url, "/stats")
    shown = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#chart-usage-types g[data-name]')].filter(g => g.dataset.name).map(g => [g.dataset.name, Number(g.dataset.executions)]))")
    want = stats["executions_by_usage_type"]
    if not shown or any(want.get(name) != n for name, n in shown.items()) or max(want.values()) != max(shown.values()):
        fail(f"the usage type chart shows {shown}, the stats {want}")
    series = api(url, "/timeseries?bucket=day")
    latency = [p.get("p95_execution_time_ms") for p in series["points"]]
    points = driver.execute_script("return document.querySelectorAll('#chart-latency circle.point').length")
    if "p95_execution_time_ms" in (series["points"] or [{}])[0]:
        if points != len([v for v in latency if v is not None]):
            fail(f"the latency chart has {points} points, the series {latency}")
    elif points:
        fail("the latency chart draws points the server does not give")


def check_sticky_header(driver):
    """Scrolled into the table, its header stays visible under the sticky top bar."""
    driver.execute_script("const t = document.querySelector('#executions-table tbody'); window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY + 600)")
    time.sleep(0.2)
    place = driver.execute_script("""
        const bar = document.querySelector('.topbar').getBoundingClientRect(), th = document.querySelector('#th-time').getBoundingClientRect();
        const hit = document.elementFromPoint(th.left + 10, th.top + th.height / 2);
        return { bar: bar.bottom, th: th.top, visible: Boolean(hit && hit.closest('thead')), table: document.querySelector('#executions-table').getBoundingClientRect().top };""")
    if place["table"] >= 0 or abs(place["th"] - place["bar"]) > 1.5 or not place["visible"]:
        fail(f"scrolled into the table, its header is not under the top bar: {place}")
    driver.execute_script("window.scrollTo(0, 0)")


def check_empty_store(driver, empty_url):
    """An empty store: the page says nothing is logged yet and how to start; with a filter set, that nothing matches."""
    load(driver, empty_url)
    text = driver.execute_script("const s = document.getElementById('table-state'); return s.hidden ? null : s.textContent")
    if not text or "Nothing is logged yet" not in text or "execlogd --db" not in text or "scripts/demo" not in text \
            or "ExecLog" not in text or "match these filters" in text:
        fail(f"over an empty store the table says {text!r}")
    select_filter(driver, "filter-status", "true")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready"
         and "has_error=true" in d.execute_script("return location.hash"), "the empty store filtered")
    text = driver.execute_script("return document.getElementById('table-state').textContent")
    if text != "No executions match these filters.":
        fail(f"over an empty store with a filter the table says {text!r}")
    disabled = driver.execute_script("return [document.getElementById('page-prev').disabled, document.getElementById('page-next').disabled]")
    if disabled != [True, True]:
        fail(f"paging an empty table is enabled: {disabled}")


def check_stale(driver, stale_url, stale_pid, restart, screenshots):
    """The server stops: a refresh keeps "Updated", marks the numbers stale; a filter change blanks them; paging is off.
    The server back: a refresh clears the mark."""
    import signal
    import subprocess
    load(driver, stale_url)
    before = driver.execute_script("""return { updated: document.getElementById('updated-at').dateTime, text: document.getElementById('updated-at').textContent,
        total: document.querySelector('#card-total-executions .value').textContent }""")
    os.kill(stale_pid, signal.SIGTERM)

    def down():
        try:
            urllib.request.urlopen(stale_url, timeout=2)
            return False
        except (urllib.error.URLError, ConnectionError, OSError):
            return True
    wait(driver, lambda d: down(), "the stale server to stop")
    driver.execute_script("document.getElementById('refresh').click()")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "error", "the failed refresh")
    shown = driver.execute_script("""const mark = document.getElementById('stale-mark'), cards = document.querySelector('.cards'), charts = document.querySelector('.charts');
        return { updated: document.getElementById('updated-at').dateTime, text: document.getElementById('updated-at').textContent,
                 mark: mark.hidden ? null : mark.textContent, markVisible: mark.offsetWidth > 0,
                 cards: [cards.classList.contains('stale'), cards.getAttribute('aria-label'), cards.title],
                 charts: [charts.classList.contains('stale'), charts.getAttribute('aria-label')],
                 total: document.querySelector('#card-total-executions .value').textContent,
                 paging: [document.getElementById('page-prev').disabled, document.getElementById('page-next').disabled] }""")
    clock = before["text"].replace("Updated ", "")
    if shown["updated"] != before["updated"] or shown["text"] != before["text"]:
        fail(f"a failed refresh moved the update time: {before['text']!r} → {shown['text']!r}")
    if shown["mark"] != f"Server unreachable — showing data from {clock}" or not shown["markVisible"]:
        fail(f"the stale mark reads {shown['mark']!r}, not 'Server unreachable — showing data from {clock}'")
    if not shown["cards"][0] or "stale" not in shown["cards"][1] or "Stale" not in shown["cards"][2] \
            or not shown["charts"][0] or "stale" not in shown["charts"][1]:
        fail(f"the cards and charts are not marked stale: {shown['cards']}, {shown['charts']}")
    if shown["total"] != before["total"] or shown["paging"] != [True, True]:
        fail(f"after the failed refresh the total reads {shown['total']!r} (was {before['total']!r}), paging disabled {shown['paging']}")
    driver.save_screenshot(os.path.join(screenshots, "stale-1400.png"))

    # New filters that cannot load: nothing of the old numbers under them.
    select_filter(driver, "filter-status", "true")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "error"
         and "has_error=true" in d.execute_script("return location.hash"), "the failed filter change")
    blank = driver.execute_script("""return [[...document.querySelectorAll('.card .value')].map(v => [v.textContent, v.dataset.value]),
        document.querySelectorAll('.charts svg').length, document.querySelectorAll('#executions-table tbody tr').length,
        document.getElementById('stale-mark').textContent, document.querySelector('.cards').classList.contains('stale'),
        [document.getElementById('page-prev').disabled, document.getElementById('page-next').disabled]]""")
    if any(value != [MISSING, ""] for value in blank[0]) or blank[1] or blank[2] or "showing data" in blank[3] or blank[5] != [True, True]:
        fail(f"after a failed filter change the page shows old numbers: cards {blank[0]}, {blank[1]} charts, {blank[2]} rows, mark {blank[3]!r}")
    driver.save_screenshot(os.path.join(screenshots, "stale-filtered-1400.png"))

    # The server back on its port: a refresh clears the marks.
    process = subprocess.Popen(restart, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(driver, lambda d: not down(), "the stale server to start again")
        driver.execute_script("document.getElementById('refresh').click()")
        wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready", "the refresh with the server back")
        after = driver.execute_script("""return [document.getElementById('stale-mark').hidden, document.querySelector('.cards').classList.contains('stale'),
            document.getElementById('updated-at').dateTime, document.querySelector('#card-total-executions .value').dataset.value]""")
        if not after[0] or after[1] or after[2] == before["updated"] or not after[3]:
            fail(f"with the server back a refresh leaves the stale mark {after}")
    finally:
        process.terminate()
        process.wait(timeout=15)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--expect")
    parser.add_argument("--screenshots", default=".")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--open-newest", metavar="EXECUTION_JSON")
    parser.add_argument("--readme-screenshots", metavar="DIR")
    parser.add_argument("--stale-url", help="a second execlog serve that the test stops (stale marks)")
    parser.add_argument("--stale-pid", type=int, help="its process id, for SIGTERM")
    parser.add_argument("--stale-command", help="a JSON list: the command that starts it again on the same port")
    parser.add_argument("--empty-url", help="an execlog serve over an empty store")
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
        timing = check(driver, arguments.url, expect, arguments.screenshots, arguments)
        print(json.dumps({"passed": True, "seconds": round(time.monotonic() - started, 2), **timing}), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
