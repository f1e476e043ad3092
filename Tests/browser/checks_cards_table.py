"""Checks the cards, the table, the charts and the shared duration format against the store and the API."""
import json
import os

from browser_support import MISSING, HERE, fail, api, card_value, rows, load, select_filter, wait_for_view


def check_cards_table(driver, expect, screenshots):
    """The cards, the table's first page and the charts, as the store has them."""
    from selenium.webdriver.common.by import By

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
