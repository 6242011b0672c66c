"""The chat widget in real headless Chromium (Debian's, via Playwright),
on the sample clinic page, talking to the running assistant."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

REPLY_TIMEOUT_MS = 30_000


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 850})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def open_chat(page, url):
    page.goto(url + "/")
    page.get_by_role("button", name="Chat with us").click()
    expect(page.get_by_label("Type your message")).to_be_focused()


def say(page, text):
    page.get_by_label("Type your message").fill(text)
    page.keyboard.press("Enter")


def last_bot_message(page):
    return page.locator(".iopnav-bot").last


def wait_for_reply(page, count_before):
    expect(page.locator(".iopnav-bot")).not_to_have_count(count_before, timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)


def ask(page, text):
    before = page.locator(".iopnav-bot").count()
    say(page, text)
    wait_for_reply(page, before)


def test_the_emergency_line_is_visible_before_and_after_opening(page, web_page):
    page.goto(web_page.url + "/")
    emergency = page.locator(".iopnav-crisis")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("911")
    expect(emergency).to_contain_text("988")
    expect(emergency.get_by_role("link", name="Call or text 988")).to_have_attribute(
        "href", "tel:988"
    )
    page.get_by_role("button", name="Chat with us").click()
    expect(emergency).to_be_visible()
    expect(page.get_by_text("Automated assistant, not a counselor")).to_be_visible()


def test_ask_a_question_and_see_the_answer(page, web_page):
    open_chat(page, web_page.url)
    ask(page, "what is an IOP?")
    expect(page.locator(".iopnav-user").last).to_have_text("You said: what is an IOP?")
    expect(last_bot_message(page)).to_contain_text("outpatient")
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")


def test_a_typing_indicator_shows_while_the_answer_is_on_its_way(page, web_page):
    open_chat(page, web_page.url)
    # A slow phone connection, so the wait is long enough to see.
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    before = page.locator(".iopnav-bot").count()
    say(page, "what is an IOP?")
    expect(page.get_by_role("status")).to_have_text(re.compile("Assistant is typing"))
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    wait_for_reply(page, before)
    expect(last_bot_message(page)).to_contain_text("outpatient")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()


def test_a_suggested_reply_button_sends_its_choice(page, web_page):
    open_chat(page, web_page.url)
    ask(page, "hi")
    before = page.locator(".iopnav-bot").count()
    # nth, not last: the menu must still be found once the answer is below it.
    choice = (
        page.locator(".iopnav-bot").nth(before - 1).get_by_role("button", name="What is an IOP?")
    )
    choice.click()
    wait_for_reply(page, before)
    expect(page.locator(".iopnav-user").last).to_contain_text("What is an IOP?")
    expect(last_bot_message(page)).to_contain_text("outpatient")
    expect(choice).to_be_disabled()


def session_cookie(page):
    cookies = [c for c in page.context.cookies() if c["name"] == "iopnav_chat"]
    return cookies[0] if cookies else None


def test_a_reload_keeps_the_conversation_in_a_session_scripts_cannot_read(page, web_page):
    open_chat(page, web_page.url)
    ask(page, "what is an IOP?")
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # Nothing for the page's other scripts (tag managers) to read or keep.
    assert "iopnav_chat" not in page.evaluate("document.cookie")
    assert page.evaluate("localStorage.length") == 0
    assert "iopnav" in page.evaluate("Object.keys(sessionStorage).join()")
    page.reload()
    expect(page.locator(".iopnav-user")).to_have_text(["You said: what is an IOP?"])
    expect(page.get_by_label("Type your message")).to_be_visible()  # it stays open
    ask(page, "how many hours a week?")
    assert session_cookie(page)["value"] == cookie["value"]
    page.get_by_role("button", name="New chat").click()
    expect(page.locator(".iopnav-user")).to_have_count(0)
    expect(page.get_by_role("status")).to_be_hidden()
    assert session_cookie(page)["value"] != cookie["value"]


def test_a_closed_tab_forgets_the_transcript(browser, web_page):
    context = browser.new_context()
    try:
        first = context.new_page()
        open_chat(first, web_page.url)
        ask(first, "what is an IOP?")
        first.close()
        second = context.new_page()
        open_chat(second, web_page.url)
        expect(second.locator(".iopnav-user")).to_have_count(0)
    finally:
        context.close()


def test_the_widget_embedded_on_another_listed_site_keeps_one_conversation(
    page, web_page, assistant
):
    embed = (
        "<!doctype html><html lang=en><title>Clinic</title><body><h1>Clinic</h1>"
        f'<script src="{web_page.url}/widget/widget.js" data-clinic="Clinic" defer></script>'
    ).encode()

    class ClinicSite(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(embed if self.path == "/" else b"")

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", web_page.embed_port), ClinicSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        open_chat(page, f"http://127.0.0.1:{web_page.embed_port}")
        converse_on_another_site(page, assistant)
    finally:
        site.shutdown()
        site.server_close()


def converse_on_another_site(page, assistant):
    ask(page, "what is an IOP?")
    expect(last_bot_message(page)).to_contain_text("outpatient")
    ask(page, "how many hours a week?")
    token = page.evaluate("JSON.parse(sessionStorage.getItem('iopnav.chat.v2')).token")
    sender = "web-" + token.split(".")[1]
    said = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert said == ["what is an IOP?", "how many hours a week?"]


def test_a_crisis_message_shows_the_hotlines(page, web_page):
    open_chat(page, web_page.url)
    ask(page, "I want to kill myself")
    reply = last_bot_message(page)
    for marker in ("988", "911", "741741"):
        expect(reply).to_contain_text(marker)
    # One tap calls the lifeline from a phone.
    expect(reply.get_by_role("link", name="988").first).to_have_attribute("href", "tel:988")


def test_phone_numbers_in_answers_are_links(page, web_page):
    open_chat(page, web_page.url)
    ask(page, "find an IOP near 60601")
    phone = last_bot_message(page).locator("a[href^='tel:+1']").first
    expect(phone).to_be_visible()
    shown, href = phone.text_content(), phone.get_attribute("href")
    assert re.sub(r"\D", "", shown)[-10:] == href[-10:], (shown, href)


def test_keyboard_only(page, web_page):
    page.goto(web_page.url + "/")
    launcher = page.get_by_role("button", name="Chat with us")
    for _ in range(60):
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the chat button cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Type your message")).to_be_focused()
    before = page.locator(".iopnav-bot").count()
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    # Shift+Tab from the message box walks back into the suggested replies.
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('iopnav-choice')"):
            break
    else:
        pytest.fail("suggested replies cannot be reached with the keyboard")
    before = page.locator(".iopnav-bot").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    page.get_by_label("Type your message").focus()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Chat with us")).to_be_focused()


def test_an_empty_message_is_not_sent(page, web_page):
    open_chat(page, web_page.url)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("type a message")
    expect(page.locator(".iopnav-user")).to_have_count(0)


def test_an_unreachable_assistant_is_said_the_text_kept_and_a_crisis_still_answered(
    page, offline_web_page
):
    open_chat(page, offline_web_page.url)
    ask(page, "what is an IOP?")
    reply = last_bot_message(page)
    expect(reply).to_contain_text("can't be reached")
    expect(reply).to_contain_text("988")
    expect(reply).not_to_contain_text("outpatient")
    expect(page.get_by_label("Type your message")).to_have_value("what is an IOP?")
    page.get_by_label("Type your message").fill("")
    ask(page, "I want to kill myself")
    for marker in ("988", "911", "741741"):
        expect(last_bot_message(page)).to_contain_text(marker)
    expect(page.get_by_label("Type your message")).to_have_value("")


def test_it_works_on_a_phone_sized_screen(browser, web_page):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        open_chat(page, web_page.url)
        box = page.locator(".iopnav-panel").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        expect(page.locator(".iopnav-crisis")).to_be_in_viewport()
        ask(page, "what is an IOP?")
        expect(last_bot_message(page)).to_contain_text("outpatient")
    finally:
        context.close()


def test_with_the_action_server_down_the_crisis_handoff_still_shows(page, web_page_without_actions):
    open_chat(page, web_page_without_actions.url)
    # The program search is a custom action: it fails, and the visitor is told.
    ask(page, "find an IOP near 60601")
    expect(last_bot_message(page)).to_contain_text("couldn't answer")
    # The hand-off is a domain response: no action server needed.
    ask(page, "I want to kill myself")
    for marker in ("988", "911", "741741"):
        expect(last_bot_message(page)).to_contain_text(marker)
    expect(page.get_by_role("alert")).to_be_hidden()
