"""The chat widget's look and links in headless Chromium, with the sample
page served from web/ and the chat API answered by the test (no assistant
needed): tap target sizes, focus ring contrast, and sms: links for the
text lines of the crisis hand-off."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import routed_site

ORIGIN = "http://clinic.test"
HANDOFF = (
    "Call or text 988 (988 Suicide & Crisis Lifeline, free, 24/7). En español: text AYUDA to 988.\n"
    "Or text HOME to 741741 (Crisis Text Line)."
)


serve = routed_site(
    ORIGIN,
    [{"recipient_id": "x", "text": HANDOFF, "buttons": [{"title": "Yes", "payload": "/affirm"}]}],
)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route(ORIGIN + "/**", serve)
    page.goto(ORIGIN + "/")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_label("Type your message").fill("i cant call anyone")
    page.keyboard.press("Enter")
    expect(page.locator(".iopnav-bot").last).to_contain_text("741741")
    yield page
    context.close()


def test_text_lines_open_the_messaging_app(page):
    reply = page.locator(".iopnav-bot").last
    expect(reply.get_by_role("link", name="text HOME to 741741")).to_have_attribute(
        "href", "sms:741741?body=HOME"
    )
    expect(reply.get_by_role("link", name="text AYUDA to 988")).to_have_attribute(
        "href", "sms:988?body=AYUDA"
    )
    expect(reply.get_by_role("link", name="Call or text 988")).to_have_count(0)
    expect(reply.get_by_role("link", name="988", exact=True).first).to_have_attribute(
        "href", "tel:988"
    )


def test_tap_targets_are_at_least_44_px(page):
    for name in ("New chat", "Close chat", "Yes", "Send"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(v)) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_focus_ring_on_the_header_has_3_to_1_contrast(page):
    new_chat = page.get_by_role("button", name="New chat")
    new_chat.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    colours = new_chat.evaluate(
        """b => [getComputedStyle(b).outlineColor,
                 getComputedStyle(b.closest('.iopnav-header')).backgroundColor]"""
    )
    ring, header = (c[c.index("(") + 1 : c.index(")")].split(",")[:3] for c in colours)
    assert _contrast(ring, header) >= 3, colours


def test_a_message_sent_again_keeps_its_id_and_the_next_gets_a_new_one(browser):
    """The server answers a resent message from what it stored only if the
    widget sends the same id again: after an error, and after the page's
    "not delivered" answer, the same text goes with the same id."""
    sent = []
    answers = [
        (503, {"error": "unavailable", "message": "Sorry. In an emergency call 911 or 988."}),
        (
            200,
            [{"recipient_id": "x", "text": "Not delivered. 911, 988.", "status": "not_delivered"}],
        ),
        (200, [{"recipient_id": "x", "text": "Groups meet on weekday evenings."}]),
        (200, [{"recipient_id": "x", "text": "Saturday mornings too."}]),
    ]

    def chat(route):
        sent.append(json.loads(route.request.post_data))
        status, body = answers[len(sent) - 1]
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    context = browser.new_context()
    page = context.new_page()
    page.route(ORIGIN + "/**", serve)
    page.route(ORIGIN + "/api/chat", chat)  # the later route wins
    page.goto(ORIGIN + "/")
    page.get_by_role("button", name="Chat with us").click()
    box = page.get_by_label("Type your message")
    box.fill("when do groups meet?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("911")
    expect(box).to_have_value("when do groups meet?")  # given back: send it again
    page.keyboard.press("Enter")
    expect(page.locator(".iopnav-bot").last).to_contain_text("Not delivered")
    expect(box).to_have_value("when do groups meet?")
    page.keyboard.press("Enter")
    expect(page.locator(".iopnav-bot").last).to_contain_text("weekday evenings")
    box.fill("and on saturdays?")
    page.keyboard.press("Enter")
    expect(page.locator(".iopnav-bot").last).to_contain_text("Saturday mornings")
    context.close()
    ids = [body["message_id"] for body in sent]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), ids
    assert ids[0] == ids[1] == ids[2] != ids[3]
