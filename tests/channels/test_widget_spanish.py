"""The widget in Spanish, in headless Chromium: on a page with lang="es",
and on an English page once the conversation is in Spanish (the chat server
reports the language with each reply). The routed tests answer the chat API
themselves; the last one talks to the running assistant."""

import pytest
from playwright.sync_api import expect

from iopnav.safety import resources
from tests.support.browser import routed_site

ORIGIN = "http://clinic.test"
SPANISH_LINE = "¿En crisis? Llama o envía un mensaje de texto al 988"
REPLY_TIMEOUT_MS = 30_000


def spanish_handoff():
    return resources.handoff_for(resources.load(), None, "rest", "es")


# The sample pages from web/, and a chat API whose conversation is Spanish.
serve = routed_site(ORIGIN, [{"recipient_id": "x", "text": spanish_handoff(), "language": "es"}])


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 850})
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def routed(context):
    page = context.new_page()
    page.route(ORIGIN + "/**", serve)
    return page


def crisis_line(page):
    return page.locator(".iopnav-crisis")


def expect_spanish_interface(page):
    line = crisis_line(page)
    expect(line).to_contain_text(SPANISH_LINE)
    expect(
        line.get_by_role("link", name="Llama o envía un mensaje de texto al 988")
    ).to_have_attribute("href", "tel:988")
    expect(line.get_by_role("link", name="envía AYUDA al 988")).to_have_attribute(
        "href", "sms:988?body=AYUDA"
    )
    expect(line).to_contain_text("911")


def test_a_spanish_page_gets_the_spanish_widget(routed):
    routed.goto(ORIGIN + "/es.html")
    expect_spanish_interface(routed)
    routed.get_by_role("button", name="Chatea con nosotros").click()
    expect(routed.get_by_label("Escribe tu mensaje")).to_be_visible()
    expect(routed.locator(".iopnav-bot").first).to_contain_text("¡Hola!")
    expect(routed.get_by_role("button", name="Enviar")).to_be_visible()


def test_an_english_page_turns_spanish_when_the_conversation_does(routed):
    routed.goto(ORIGIN + "/")
    expect(crisis_line(routed)).to_contain_text("In crisis? Call or text 988")
    routed.get_by_role("button", name="Chat with us").click()
    routed.get_by_label("Type your message").fill("no quiero seguir viviendo")
    routed.keyboard.press("Enter")
    reply = routed.locator(".iopnav-bot").last
    expect(reply).to_contain_text("marca 2")
    expect_spanish_interface(routed)
    expect(routed.get_by_label("Escribe tu mensaje")).to_be_visible()
    # The hand-off's own text line opens the messaging app with AYUDA filled in.
    expect(
        reply.get_by_role("link", name="envía AYUDA por mensaje de texto al 988").first
    ).to_have_attribute("href", "sms:988?body=AYUDA")
    # A reload keeps the conversation's language.
    routed.reload()
    expect_spanish_interface(routed)


def test_a_spanish_question_gets_a_spanish_answer_from_the_assistant(context, web_page):
    page = context.new_page()
    page.goto(web_page.url + "/")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_label("Type your message").fill("¿cuántas horas a la semana dura el programa?")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Escribe tu mensaje")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".iopnav-bot").last).to_contain_text("horas")
    expect_spanish_interface(page)


def test_on_a_spanish_page_the_assistants_own_refusal_is_in_spanish(context, web_page):
    """The widget sends its language (Accept-Language); the page server and
    the assistant answer their own refusals in it when the message has none."""
    page = context.new_page()
    page.goto(web_page.url + "/es.html")
    page.get_by_role("button", name="Chatea con nosotros").click()
    page.get_by_label("Escribe tu mensaje").fill("/")  # a payload nobody offered: nothing left
    page.keyboard.press("Enter")
    error = page.locator(".iopnav-error")
    expect(error).to_contain_text("El mensaje está vacío.", timeout=REPLY_TIMEOUT_MS)
    expect(error).to_contain_text("marca 2")
