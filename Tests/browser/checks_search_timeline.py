"""Checks the search box with its snippets, and the trace and session timelines (at 1400 and 420 px)."""
import os
import time
import urllib.parse

from browser_support import fail, wait, api, api_at, open_drawer, close_drawer, viewport, page_state, wait_for_view


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
