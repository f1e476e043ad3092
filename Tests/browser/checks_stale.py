"""Checks a server that stops and comes back (stale marks), and an empty store."""
import os
import urllib.error
import urllib.request

from browser_support import MISSING, fail, wait, load, select_filter


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
