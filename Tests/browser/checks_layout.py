"""Checks the layout: the phone width (420 px), the sticky table header, a long model name."""
import os
import time

from browser_support import fail, open_drawer, close_drawer, viewport


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
