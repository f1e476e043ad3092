"""Checks the filters, the address with Back/Forward and reload, the time ranges and zones, and sorting."""
import time
import urllib.parse

from browser_support import fail, wait, api, api_at, card_value, rows, load, select_filter, wait_for_view


def check_usage_type_filter(driver, expect):
    """A usage type chosen in its filter: the cards count its executions, the table shows only them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    # A filter changes the table and the cards.
    usage_type = expect["filter_usage_type"]
    Select(driver.find_element(By.ID, "filter-usage-type")).select_by_value(usage_type)
    wait(driver, lambda d: card_value(d, "card-total-executions") == str(expect["filtered_total"])
         and d.execute_script("return document.body.dataset.state") == "ready"
         and (rows(d) or [{}])[0].get("id") == expect["filtered_newest_id"], f"the table filtered by {usage_type}")
    shown_rows = rows(driver)
    if any(row["usageType"] != usage_type for row in shown_rows):
        fail(f"rows of another usage type are shown: {set(row['usageType'] for row in shown_rows)}")


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
