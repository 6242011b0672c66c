"""The web page server's own answers (its errors, its request budgets) in
Spanish: the message's language, else the widget's (Accept-Language). The
page runs in-process with no assistant behind it; a crisis over a budget
still gets the hand-off, in Spanish."""

import json

import pytest

from iopnav import migrate
from iopnav.channels import webpage
from iopnav.channels.webpage import WebConfig, create_app
from iopnav.ratelimit import Limiter, parse_rate
from iopnav.safety import resources
from iopnav.safety.handoffs import by_kind as handoffs_by_kind
from tests.support.asgi import AsgiApp, unique_name

SPANISH = {"accept-language": "es"}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('web-es') / 'iop.db'}"
    migrate.upgrade(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IOP_DATABASE_URL", url)
        mp.setenv("IOP_WEB_SESSION_SECRET", "test-secret")
        # Nothing listens on port 9: every turn the page answers by itself.
        config = WebConfig(rasa_url="http://127.0.0.1:9", turn_deadline=2)
        app = AsgiApp(create_app(config, name=unique_name("web")))
        yield app
        app.close()


def call(page, method, path, body=b"", headers=None):
    status, _, raw = page.request(method, path, "", {**JSON, **(headers or {})}, body)
    return status, json.loads(raw.decode())


def chat(page, message, headers=None, **fields):
    return call(
        page, "POST", "/api/chat", json.dumps({"message": message, **fields}).encode(), headers
    )


def test_the_pages_own_errors_follow_the_widgets_language(page):
    assert call(page, "GET", "/no-such-page", headers=SPANISH) == (
        404,
        {"error": "not_found", "message": "Aquí no hay ninguna página."},
    )
    assert call(page, "GET", "/no-such-page")[1]["message"] == "There is no page here."
    status, answer = call(page, "POST", "/api/chat", b"{not json", SPANISH)
    assert status == 400 and answer["message"] == 'Envía JSON: {"message": "..."}.'
    status, answer = call(page, "PUT", "/api/chat", b"{}", SPANISH)
    assert status == 405 and answer["message"] == "Ese método no está permitido aquí."
    status, answer = call(page, "POST", "/api/chat", b"{}", {**SPANISH, "origin": "https://x.test"})
    assert status == 403 and answer["message"] == "Este origen no puede usar la API del chat."


def test_a_bad_message_id_is_refused_in_the_messages_language(page):
    status, answer = chat(page, "¿cuánto cuesta el programa?", message_id="no!")
    assert status == 400 and answer["error"] == "invalid_message_id"
    assert answer["message"].startswith('El "message_id" debe tener de 8 a 64 letras')


@pytest.fixture
def one_turn_a_day(monkeypatch):
    # Per address: the in-process client keeps no cookie, so each turn is a new session.
    monkeypatch.setattr(webpage, "PER_IP", Limiter("web_ip_es", parse_rate("1/day")))


def test_over_its_budget_spanish_waits_in_spanish_and_a_crisis_gets_the_spanish_handoff(
    page, one_turn_a_day
):
    status, replies = chat(page, "¿cuánto cuesta el programa?")
    assert status == 200 and replies[0]["text"].startswith("No se puede contactar al asistente")
    status, answer = chat(page, "¿y tienen grupos por la noche?")
    assert status == 429 and answer["error"] == "rate_limited"
    assert answer["message"].startswith("Estás enviando mensajes más rápido de lo que el asistente")
    assert "marca 2" in answer["message"] and "911" in answer["message"]
    # "ok" has no language of its own: the widget's decides.
    assert chat(page, "ok", SPANISH)[1]["message"].startswith("Estás enviando mensajes")
    assert chat(page, "ok")[1]["message"].startswith("You're sending messages faster")
    status, replies = chat(page, "ya no quiero vivir, esta noche me voy a quitar la vida")
    kinds = [None, *handoffs_by_kind(resources.load())]
    spanish = {resources.handoff_for(resources.load(), k, "web", "es") for k in kinds}
    assert status == 200 and replies[0]["text"] in spanish
