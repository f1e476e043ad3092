#!/usr/bin/env python3
"""DNS rebinding and the page's policy, in headless Chromium (Selenium).

Run by Tests/ExecLogServerTests/RebindingBrowserTests.swift over a live `execlog serve`. Chromium is told
that rebind.test is 127.0.0.1 (--host-resolver-rules), as a rebinding attacker's DNS would answer: the
page at http://rebind.test:PORT/ must be refused (421), while http://127.0.0.1:PORT/ loads the dashboard
with no Content-Security-Policy violation. Exit status 0 passed, 1 failed (`FAIL: ...`); the last line is
a JSON summary.

    rebinding_test.py --port PORT
"""
import argparse
import json
import shutil
import sys
import time


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def start_browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        fail("the Python package selenium is not installed (scripts/install-dependencies --tests installs it)")
    browser = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        fail("chromium or chromedriver is not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,900", "--host-resolver-rules=MAP rebind.test 127.0.0.1"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as error:  # noqa: BLE001 - any start failure is the test's failure, with its reason
        fail(f"chromium cannot start here: {str(error).splitlines()[0]}")
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    fail(f"timed out waiting for {what}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    driver = start_browser()
    try:
        # The attacker's name, resolved to loopback: refused before anything is read.
        driver.get(f"http://rebind.test:{port}/")
        text = driver.execute_script("return document.body ? document.body.innerText : ''")
        if "--allowed-host" not in text or "rebind.test" not in text:
            fail(f"http://rebind.test:{port}/ was not refused: {text[:300]!r}")
        if driver.execute_script("return document.getElementById('refresh') !== null"):
            fail("the dashboard loaded under the rebound name")
        api = driver.execute_script(
            "return fetch('/api/v1/ai-executions/stats').then(r => r.status + ' ' + r.headers.get('content-type'))")
        if not api.startswith("421 "):
            fail(f"the API under the rebound name answered {api}")

        # The page as served: it loads, and the policy refuses nothing it does.
        driver.get_log("browser")
        driver.get(f"http://127.0.0.1:{port}/")
        wait(lambda: driver.execute_script(
            "const c = document.querySelector('#card-total-executions .value');"
            "return c && c.textContent.trim() !== '' && c.textContent.trim() !== '—'"), "the cards")
        violations = [entry["message"] for entry in driver.get_log("browser")
                      if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
        if violations:
            fail(f"the page breaks its own Content-Security-Policy: {violations[:3]}")
        policy = driver.execute_script(
            "return fetch('/').then(r => r.headers.get('content-security-policy'))")
        if "script-src 'self'" not in (policy or "") or "unsafe-inline" in policy:
            fail(f"unexpected policy {policy!r}")
    finally:
        driver.quit()
    print(json.dumps({"passed": True}), flush=True)


if __name__ == "__main__":
    main()
