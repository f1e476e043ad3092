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
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the sources; set before the local imports

import argparse
import json
import os
import time

from browser_support import load, readme_screenshots, start_browser
from checks_cards_table import check_cards_table, check_durations, check_error_column, check_missing_tokens, check_more_charts
from checks_cost import check_cost
from checks_drawer import check_conversation, check_detail, check_drawer_keys, open_newest
from checks_filters import check_filter_values, check_history, check_sort, check_usage_type_filter, check_zone
from checks_layout import check_long_names, check_narrow, check_sticky_header
from checks_search_timeline import check_narrow_search, check_search, check_timelines
from checks_stale import check_empty_store, check_stale


def check(driver, url, expect, screenshots, arguments):
    """Every check, in this order (each leaves the page where the next expects it); returns the first load's timing."""
    timing = load(driver, url)
    check_cards_table(driver, expect, screenshots)
    check_durations(driver)
    check_missing_tokens(driver, expect)
    check_long_names(driver, expect)
    check_more_charts(driver, url)
    check_sticky_header(driver)
    check_cost(driver, url, expect, screenshots)
    check_narrow(driver, expect, screenshots)
    check_usage_type_filter(driver, expect)
    check_detail(driver, expect, screenshots)

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
