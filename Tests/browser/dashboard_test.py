#!/usr/bin/env python3
"""Drives the execlog dashboard in headless Chromium (Selenium) and checks it against the store.

Run by Tests/ExecLogServerTests/BrowserTests.swift, which starts `execlog serve` over a seeded store and
writes what the store says into the --expect file. Exit status: 0 passed, 1 failed (a line `FAIL: ...`),
77 Chromium cannot run here (a line `SKIP: ...`). The last stdout line is a JSON summary.

    dashboard_test.py --url http://127.0.0.1:PORT/ --expect expect.json --screenshots DIR
    dashboard_test.py --url ... --measure-only     # print the first load's time, check nothing
    dashboard_test.py --url ... --open-newest execution.json   # open the newest row's drawer, compare it
"""
import argparse
import json
import os
import shutil
import sys
import time

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


def card_value(driver, card_id):
    return driver.execute_script(
        "return document.querySelector(arguments[0] + ' .value').dataset.value", f"#{card_id}")


def rows(driver):
    return driver.execute_script("""
        return [...document.querySelectorAll('#executions-table tbody tr')].map(row => ({
            id: row.dataset.id, usageType: row.cells[1].textContent, status: row.cells[6].textContent }));""")


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
    return timing


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
    arguments = parser.parse_args()
    driver = start_browser()
    try:
        if arguments.open_newest:
            with open(arguments.open_newest) as file:
                open_newest(driver, arguments.url, json.load(file), arguments.screenshots)
            print(json.dumps({"passed": True}), flush=True)
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
