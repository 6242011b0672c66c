"""/ready, /metrics and the JSON turn log on the real servers the other
tests already start (the assistant: Rasa + action server, and the web page
in front of it), as HAProxy, Kubernetes and Prometheus see them."""

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from prometheus_client.parser import text_string_to_metric_families

from tests.support.assistant import TOKEN

Sample = Tuple[str, Tuple[Tuple[str, str], ...]]


def get(url: str, headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post(url: str, payload, headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        return resp.status, dict(resp.headers), resp.read()


def scrape(base_url: str) -> Dict[Sample, float]:
    status, body = get(base_url + "/metrics")
    assert status == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def value(samples: Dict[Sample, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Dict[Sample, float], name: str, **labels: str) -> float:
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


def json_lines(path: Path) -> List[dict]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue  # what a library printed before logging was set up
    return lines


def turn_lines(path: Path, request_id: str, wait: float = 5.0) -> List[dict]:
    deadline = time.monotonic() + wait
    while True:
        found = [
            line
            for line in json_lines(path)
            if line.get("event") == "turn" and line.get("request_id") == request_id
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_rasa_server_is_ready_and_names_its_checks(assistant):
    status, body = get(assistant.rasa_url + "/ready")
    report = json.loads(body)
    assert status == 200 and report["ready"] is True and report["service"] == "rasa"
    assert {"model", "tracker_store", "app_db"} <= set(report["checks"])
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["app_db"]["required"] is False


def test_action_server_is_ready_without_its_token_but_still_guards_actions(assistant):
    base = f"http://127.0.0.1:{assistant.actions_port}"
    status, body = get(base + "/ready")
    assert status == 200 and json.loads(body)["checks"]["app_db"]["ok"] is True
    assert get(base + "/metrics")[0] == 200
    assert get(base + "/actions")[0] == 401  # everything else still needs the token


def test_a_rest_turn_is_measured_and_logged_as_one_json_line_without_text(assistant):
    before = scrape(assistant.rasa_url)
    marker = "zq" + uuid.uuid4().hex[:10]
    request_id = "e2e-" + uuid.uuid4().hex[:12]
    status, headers, _ = post(
        assistant.rasa_url + "/webhooks/rest/webhook",
        {"sender": "ops-" + marker, "message": f"what is an IOP? {marker}"},
        {"X-Request-ID": request_id},
    )
    assert status == 200 and headers["X-Request-ID"] == request_id
    after = scrape(assistant.rasa_url)
    assert value(after, "iop_turn_seconds_count", channel="rest") == (
        value(before, "iop_turn_seconds_count", channel="rest") + 1
    )
    assert value(after, "iop_lock_wait_seconds_count") > value(
        before, "iop_lock_wait_seconds_count"
    )
    (line,) = turn_lines(assistant.workdir / "rasa.log", request_id)
    assert line["service"] == "rasa" and line["server"] and line["channel"] == "rest"
    assert line["status"] == 200 and line["latency_ms"] > 0 and line["lock_wait_ms"] >= 0
    log = (assistant.workdir / "rasa.log").read_text(errors="replace")
    assert marker not in log, "a message's text (or its sender id) reached the log"


def test_a_crisis_hand_off_and_its_flag_are_counted(assistant):
    before = scrape(assistant.rasa_url)
    assistant.send("I want to kill myself", "ops-crisis-" + uuid.uuid4().hex[:8])
    after = scrape(assistant.rasa_url)
    assert total(after, "iop_handoffs_total", source="dialogue") == (
        total(before, "iop_handoffs_total", source="dialogue") + 1
    )
    # The outbox writes the flag on its own thread, moments later.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        after = scrape(assistant.rasa_url)
        if total(after, "iop_flags_written_total") > total(before, "iop_flags_written_total"):
            break
        time.sleep(0.3)
    assert total(after, "iop_flags_written_total") > total(before, "iop_flags_written_total")
    # Other tests share this assistant and may leave flags of their own queued.
    assert value(after, "iop_flags_pending") <= value(before, "iop_flags_pending")


def test_rasa_api_is_untouched_by_the_ops_channel(assistant):
    """The ops routes sit beside Rasa's own: its API still answers (token)."""
    status, body = get(f"{assistant.rasa_url}/status?token={TOKEN}")
    assert status == 200 and "model_file" in json.loads(body)


def test_web_page_is_ready_and_passes_its_request_id_to_rasa(assistant, web_page):
    status, body = get(web_page.url + "/ready")
    report = json.loads(body)
    assert status == 200 and report["service"] == "web"
    assert report["checks"]["screen"]["ok"] and report["checks"]["rasa"]["ok"]
    request_id = "web-" + uuid.uuid4().hex[:12]
    status, headers, _ = post(
        web_page.url + "/api/chat", {"message": "what is an IOP?"}, {"X-Request-ID": request_id}
    )
    assert status == 200 and headers["X-Request-ID"] == request_id
    (page_line,) = turn_lines(Path(web_page.log_path), request_id)
    (rasa_line,) = turn_lines(assistant.workdir / "rasa.log", request_id)
    assert page_line["service"] == "web" and page_line["channel"] == "web"
    assert rasa_line["service"] == "rasa" and rasa_line["channel"] == "rest"
    assert page_line["latency_ms"] >= rasa_line["latency_ms"]
    assert value(scrape(web_page.url), "iop_turn_seconds_count", channel="web") >= 1


def test_web_page_stays_ready_with_rasa_down_and_counts_its_own_answers(offline_web_page):
    """The page answers by itself while Rasa is down: it must stay in the
    load balancer, so Rasa is reported but not required."""
    status, body = get(offline_web_page.url + "/ready")
    report = json.loads(body)
    assert status == 200 and report["checks"]["rasa"]["ok"] is False
    assert report["checks"]["rasa"]["required"] is False
    before = scrape(offline_web_page.url)
    post(offline_web_page.url + "/api/chat", {"message": "I want to kill myself"}, {})
    after = scrape(offline_web_page.url)
    assert value(after, "iop_errors_total", kind="rasa_unreachable") == (
        value(before, "iop_errors_total", kind="rasa_unreachable") + 1
    )
    assert total(after, "iop_handoffs_total", source="web_page") == (
        total(before, "iop_handoffs_total", source="web_page") + 1
    )
