"""Checks the execution drawer: its detail, its focus trap and keys, the conversation and the copy buttons."""
import json
import os

from browser_support import fail, wait, rows, open_drawer, close_drawer, load


def check_detail(driver, expect, screenshots):
    """A click on the filtered table's newest row opens that execution's detail, as the store has it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

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
