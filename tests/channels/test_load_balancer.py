"""deploy/haproxy.cfg (the file compose runs) in front of the real servers
the other tests already start: HAProxy's health checks read their /ready,
messages reach them through it, and the public side hides /ready and
/metrics. When no Rasa server is ready (a store they all share is down),
HAProxy still sends SMS and web turns to the live ones, whose channels
answer by themselves, instead of answering 503 (silence, on SMS)."""

import json
import urllib.error
import urllib.request

import pytest

from tests.deploy.load_balancer import LoadBalancer, UnreadyRasa
from tests.support.assistant import post_json
from tests.support.sms import send_sms


def address(url: str) -> str:
    return url.split("://", 1)[1].rstrip("/")


@pytest.fixture(scope="module")
def unready():
    stub = UnreadyRasa()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def balanced(assistant, web_page, unready):
    lb = LoadBalancer(
        {
            "RASA1": address(assistant.rasa_url),
            "RASA2": unready.address,
            "ACTIONS1": f"127.0.0.1:{assistant.actions_port}",
            "WEB1": address(web_page.url),
        }
    ).start()
    try:
        lb.wait_for(
            {
                "rasa/rasa1": "UP",
                "rasa/rasa2": "DOWN",  # alive but not ready
                "rasa/rasa3": "DOWN",  # nothing listens
                "rasa_alive/rasa2": "UP",
                "actions/actions1": "UP",
                "actions/actions2": "DOWN",
                "web/web1": "UP",
                "web/web2": "DOWN",
            }
        )
        yield lb
    finally:
        lb.stop()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_health_checks_read_each_servers_readiness(balanced):
    states = balanced.states()
    assert states["rasa/rasa1"].startswith("UP") and states["rasa/rasa2"].startswith("DOWN")


def test_a_web_chat_turn_goes_through_with_a_request_id(balanced):
    request = urllib.request.Request(
        balanced.url("PUBLIC") + "/api/chat",
        data=json.dumps({"message": "what is an IOP?"}).encode(),
        headers={"Content-Type": "application/json", "X-Request-ID": "from-the-client"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        replies = json.loads(resp.read())
        request_id = resp.headers["X-Request-ID"]
    assert any("outpatient" in (r.get("text") or "").lower() for r in replies)
    # HAProxy's id, not the client's.
    assert request_id and request_id != "from-the-client"


def test_internal_rasa_frontend_reaches_only_the_ready_server(balanced):
    for n in range(4):  # leastconn would spread them: only rasa1 is ready
        replies = post_json(
            balanced.url("RASA") + "/webhooks/rest/webhook",
            {"sender": f"lb-test-{n}", "message": "what is an IOP?"},
        )
        assert UnreadyRasa.MARKER not in json.dumps(replies)
        assert any("outpatient" in (r.get("text") or "").lower() for r in replies)


def test_a_signed_sms_reaches_rasa_through_the_public_side(balanced):
    reply = send_sms(balanced.url("PUBLIC"), "+18135550142", "what is an IOP?")
    assert reply.status == 200 and "outpatient" in reply.text.lower()


def test_public_side_hides_readiness_and_metrics(balanced):
    for path in ("/ready", "/metrics"):
        assert status_of(balanced.url("PUBLIC") + path) == 404
    assert status_of(balanced.url("ACTIONS") + "/ready") == 200  # internal side: fine


def test_haproxy_exports_its_own_metrics_on_the_stats_side(balanced):
    with urllib.request.urlopen(balanced.url("STATS") + "/metrics", timeout=10) as resp:
        assert "haproxy_backend_active_servers" in resp.read().decode()


def test_with_no_rasa_server_ready_messages_still_reach_a_live_one(unready):
    lb = LoadBalancer({"RASA1": unready.address}).start()
    try:
        # HAProxy starts every server as up: wait until each check has spoken.
        lb.wait_for(
            {
                "rasa/rasa1": "DOWN",
                "rasa/rasa2": "DOWN",
                "rasa/rasa3": "DOWN",
                "rasa_alive/rasa1": "UP",
                "rasa_alive/rasa2": "DOWN",
                "rasa_alive/rasa3": "DOWN",
            }
        )
        sms = urllib.request.Request(
            lb.url("PUBLIC") + "/webhooks/sms/webhook", data=b"From=%2B18135550142&Body=help"
        )
        with urllib.request.urlopen(sms, timeout=10) as resp:
            assert resp.read().decode() == UnreadyRasa.MARKER
        turn = urllib.request.Request(
            lb.url("RASA") + "/webhooks/rest/webhook", data=b'{"sender": "s", "message": "hi"}'
        )
        with urllib.request.urlopen(turn, timeout=10) as resp:
            assert resp.read().decode() == UnreadyRasa.MARKER
    finally:
        lb.stop()
