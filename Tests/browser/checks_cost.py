"""Checks the cost card, the table's cost cells, the drawer's cost breakdown and the cost chart."""
import os

from browser_support import MISSING, fail, api, rows, open_drawer, close_drawer


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
