"""The web page server (iopnav.channels.webpage) over HTTP: the page and the
widget files, and /api/chat forwarding to the running assistant."""

import json
import urllib.error
import urllib.request

import pytest

SESSION = "web-" + "0123456789abcdef" * 2


def fetch(url, body=None, headers=None, method=None):
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def chat(base, payload, headers=None):
    status, response_headers, body = fetch(
        f"{base}/api/chat",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )
    return status, response_headers, json.loads(body)


def test_the_page_and_widget_are_served_with_a_strict_content_policy(web_page):
    status, headers, body = fetch(web_page.url + "/")
    assert (
        status == 200 and b"Cedar Grove Behavioral Health" in body and b"/widget/widget.js" in body
    )
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    for path, kind in (("/widget/widget.js", "javascript"), ("/widget/widget.css", "text/css")):
        status, headers, _ = fetch(web_page.url + path)
        assert status == 200 and kind in headers["Content-Type"]
    assert fetch(web_page.url + "/healthz")[0] == 200


@pytest.mark.parametrize(
    "path", ["/../credentials.yml", "/%2e%2e/credentials.yml", "/widget/", "/nope.html"]
)
def test_nothing_outside_web_is_served(web_page, path):
    assert fetch(web_page.url + path)[0] == 404


def test_chat_is_forwarded_to_the_assistant(web_page):
    status, headers, replies = chat(web_page.url, {"sender": SESSION, "message": "what is an IOP?"})
    assert status == 200 and "outpatient" in replies[0]["text"].lower()
    assert "Access-Control-Allow-Origin" not in headers  # same origin: no CORS at all


@pytest.mark.parametrize("sender", ["me", "+15551234567", "web-123", None])
def test_guessable_or_foreign_session_ids_are_refused(web_page, sender):
    status, _, answer = chat(web_page.url, {"sender": sender, "message": "hi"})
    assert status == 400 and "session" in answer["message"]


def test_the_assistants_own_bad_input_answer_passes_through(web_page):
    status, _, answer = chat(web_page.url, {"sender": SESSION, "message": "   "})
    assert status == 400 and answer["error"] == "empty_message"


def test_other_sites_need_to_be_listed(web_page):
    status, _, answer = chat(
        web_page.url, {"sender": SESSION, "message": "hi"}, {"Origin": "https://evil.example"}
    )
    assert status == 403 and "origin" in answer["message"]
    status, headers, _ = chat(
        web_page.url,
        {"sender": SESSION, "message": "hi"},
        {"Origin": "https://www.cedargrove.example"},
    )
    assert (
        status == 200 and headers["Access-Control-Allow-Origin"] == "https://www.cedargrove.example"
    )
    status, headers, _ = fetch(
        web_page.url + "/api/chat",
        method="OPTIONS",
        headers={"Origin": "https://www.cedargrove.example"},
    )
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_an_unreachable_assistant_is_a_clear_502(offline_web_page):
    status, _, answer = chat(offline_web_page.url, {"sender": SESSION, "message": "hi"})
    assert status == 502 and "can't be reached" in answer["message"] and "988" in answer["message"]
