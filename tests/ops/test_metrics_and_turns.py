"""Metrics, the per-turn record and JSON logs (iopnav/ops), in-process: a
small Sanic app through ASGI, Rasa's in-memory lock store, the outbox
counter. The real servers' endpoints are tested in
tests/channels/test_ops_endpoints.py."""

import asyncio
import json
import logging
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY
from sanic import Sanic, response

from iopnav.channels import fallback
from iopnav.lock_store import EnvLockStore, TimedInMemoryLockStore
from iopnav.ops import endpoints, jsonlog, turns
from iopnav.ops.readiness import Check
from iopnav.safety import handoffs, outbox, resources
from iopnav.safety.flags import Recorded
from tests.support.asgi import AsgiApp, unique_name


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def app_with_a_turn(checks=()) -> AsgiApp:
    app = Sanic(unique_name("ops"))

    @app.post("/turn")
    @turns.timed("rest")
    async def turn(request):
        # What the dialogue does inside a turn: take the lock, maybe hand off.
        async with TimedInMemoryLockStore().lock("someone"):
            pass
        if request.json.get("crisis"):
            turns.handed_off("overdose", "dialogue")
        return response.json([{"text": "hi"}])

    endpoints.add_routes(app, "test", lambda _app: list(checks))
    return AsgiApp(app)


@pytest.fixture
def json_logs(monkeypatch):
    monkeypatch.setenv("IOP_LOG_FORMAT", "json")
    monkeypatch.setenv("IOP_SERVER_NAME", "rasa-7")
    # Not configure(): it would switch this test process's own handlers too.
    monkeypatch.setattr(jsonlog, "_service", "rasa")


def test_a_turn_is_timed_counted_and_answers_with_its_request_id():
    app = app_with_a_turn()
    before = sample("iop_turn_seconds_count", channel="rest")
    waits = sample("iop_lock_wait_seconds_count")
    status, headers, _ = app.request(
        "POST", "/turn", "", {"X-Request-ID": "lb-1234abcd"}, b'{"crisis": true}'
    )
    assert status == 200 and ("X-Request-ID", "lb-1234abcd") in headers
    assert sample("iop_turn_seconds_count", channel="rest") == before + 1
    assert sample("iop_lock_wait_seconds_count") == waits + 1
    assert sample("iop_handoffs_total", kind="overdose", source="dialogue") >= 1


def test_a_request_id_that_is_not_a_plain_token_is_replaced():
    app = app_with_a_turn()
    _, headers, _ = app.request("POST", "/turn", "", {"X-Request-ID": "a b\tc" * 20}, b"{}")
    given = dict(headers)["X-Request-ID"]
    assert len(given) == 32 and given.isalnum()


def test_json_turn_line_has_ids_and_numbers_but_no_text(json_logs, caplog):
    app = app_with_a_turn()
    caplog.set_level(logging.INFO, logger="iopnav.turns")
    app.request("POST", "/turn", "", {"X-Request-ID": "req-42"}, b'{"crisis": true}')
    (record,) = [r for r in caplog.records if r.name == "iopnav.turns"]
    line = json.loads(jsonlog.JsonFormatter().format(record))
    assert line["event"] == "turn" and line["request_id"] == "req-42"
    assert line["service"] == "rasa" and line["server"] == "rasa-7"
    assert line["channel"] == "rest" and line["status"] == 200
    assert line["latency_ms"] > 0 and line["lock_wait_ms"] >= 0
    assert line["handoff"] == "overdose" and line["fallback"] is None
    assert "message" not in line and "sender" not in json.dumps(line)


def test_configure_switches_every_handler_to_json(monkeypatch):
    monkeypatch.setenv("IOP_LOG_FORMAT", "json")
    handler = logging.StreamHandler()
    logger = logging.getLogger("iopnav.test_configure")
    logger.addHandler(handler)
    everyone = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    kept = [(h, h.formatter) for found in everyone for h in getattr(found, "handlers", [])]
    monkeypatch.setattr(jsonlog, "_service", "iop")
    try:
        jsonlog.configure("web")
        assert isinstance(handler.formatter, jsonlog.JsonFormatter)
        assert jsonlog.service() == "web"
    finally:
        logger.removeHandler(handler)
        for other, formatter in kept:  # this test process's handlers as they were
            other.setFormatter(formatter)
        logging.captureWarnings(False)


def test_no_turn_line_without_json_logs(monkeypatch, caplog):
    monkeypatch.delenv("IOP_LOG_FORMAT", raising=False)
    caplog.set_level(logging.INFO, logger="iopnav.turns")
    app_with_a_turn().request("POST", "/turn", "", {}, b"{}")
    assert not [r for r in caplog.records if r.name == "iopnav.turns"]


def test_every_log_record_becomes_one_json_object(json_logs):
    record = logging.LogRecord("iopnav.x", logging.WARNING, __file__, 1, "disk %s", ("full",), None)
    line = json.loads(jsonlog.JsonFormatter().format(record))
    assert line["message"] == "disk full" and line["level"] == "WARNING"
    assert line["server"] == "rasa-7" and "\n" not in jsonlog.JsonFormatter().format(record)


def test_ready_answers_503_with_the_failed_check_named():
    def down():
        raise ConnectionError("no")

    app = app_with_a_turn([Check("app_db", down), Check("extra", lambda: None, required=False)])
    status, _, body = app.request("GET", "/ready", "", {}, b"")
    assert status == 503
    found = json.loads(body)
    assert found["ready"] is False and found["checks"]["app_db"]["error"] == "ConnectionError"


def test_metrics_are_prometheus_text():
    status, headers, body = app_with_a_turn().request("GET", "/metrics", "", {}, b"")
    assert status == 200 and dict(headers)["content-type"].startswith("text/plain")
    for name in (
        "iop_turn_seconds",
        "iop_lock_wait_seconds",
        "iop_handoffs_total",
        "iop_flags_written_total",
        "iop_errors_total",
        "iop_flags_pending",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body.decode()


@pytest.mark.parametrize(
    "peer, token, header, allowed",
    [
        ("127.0.0.1", "", "", True),
        ("10.1.2.3", "", "", True),  # a private network: Prometheus in the cluster
        ("192.168.0.9", "", "", True),
        ("93.184.216.34", "", "", False),  # the internet
        ("", "", "", False),
        ("93.184.216.34", "s3cret", "Bearer s3cret", True),
        ("127.0.0.1", "s3cret", "", False),  # with a token set, the token decides
        ("127.0.0.1", "s3cret", "Bearer wrong", False),
    ],
)
def test_who_may_read_metrics(monkeypatch, peer, token, header, allowed):
    monkeypatch.setenv("IOP_METRICS_TOKEN", token)
    request = SimpleNamespace(
        conn_info=SimpleNamespace(client_ip=peer), headers={"authorization": header}
    )
    assert endpoints.metrics_allowed(request) is allowed


def test_env_lock_store_measures_its_waits():
    store = EnvLockStore()
    before = sample("iop_lock_wait_seconds_count")

    async def turn():
        async with store.lock("c1"):
            pass

    asyncio.run(turn())
    assert sample("iop_lock_wait_seconds_count") == before + 1


def test_a_failed_dialogue_turn_is_counted_by_kind():
    from rasa.core.lock_store import LockError

    assert fallback.failure_kind(fallback.TurnLate("x")) == "turn_late"
    assert fallback.failure_kind(LockError("x")) == "lock_store"
    assert fallback.failure_kind(RuntimeError("x")) == "turn_failed"

    async def fails(_message):
        raise LockError("redis down")

    before = sample("iop_errors_total", kind="lock_store")
    failure, _ = asyncio.run(fallback.run_message(fails, "hi", None, "s1", "rest", None))
    assert isinstance(failure, LockError)
    assert sample("iop_errors_total", kind="lock_store") == before + 1


def test_every_handoff_text_maps_to_its_kind():
    r = resources.load()
    kinds = resources.handoff_kinds(r)
    assert kinds[resources.handoff_text(r)] == "general"
    assert kinds[resources.handoff_sms(r)] == "general"
    for kind, (web, sms) in handoffs.by_kind(r).items():
        assert fallback.handoff_kind(web) == kind and fallback.handoff_kind(sms) == kind
    assert fallback.handoff_kind("What is an IOP?") is None


def test_flags_written_are_counted_by_outcome_and_repeats_are_not():
    before = {o: sample("iop_flags_written_total", outcome=o.value) for o in Recorded}
    for outcome in (Recorded.NEW, Recorded.COUNTED, Recorded.DUPLICATE):
        outbox._count(outcome)
    assert sample("iop_flags_written_total", outcome="new") == before[Recorded.NEW] + 1
    assert sample("iop_flags_written_total", outcome="counted") == before[Recorded.COUNTED] + 1
    assert sample("iop_flags_written_total", outcome="duplicate") == 0


def test_the_channels_own_handoff_is_counted_as_the_channels(tmp_path, monkeypatch):
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    fallback.verdict_from_rules("hello")  # load spaCy first: the screen has 3 s
    source = {"source": "channel"}
    before = sum(
        sample("iop_handoffs_total", kind=k, **source) for k in ("general", "suicide", "self_harm")
    )
    said = asyncio.run(fallback.rescue(None, "s-ops", "I want to kill myself", "rest", []))
    assert said and "988" in said
    after = sum(
        sample("iop_handoffs_total", kind=k, **source) for k in ("general", "suicide", "self_harm")
    )
    assert after == before + 1
    # The dialogue had already sent it before its turn failed: its hand-off, not ours.
    dialogue = sample("iop_handoffs_total", kind="general", source="dialogue")
    line = resources.handoff_text(resources.load())
    assert (
        asyncio.run(fallback.rescue(None, "s-ops", "I want to kill myself", "rest", [line])) is None
    )
    assert (
        sum(
            sample("iop_handoffs_total", kind=k, source="dialogue")
            for k in ("general", "suicide", "self_harm")
        )
        >= dialogue + 1
    )
