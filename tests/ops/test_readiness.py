"""The readiness report (iopnav/ops/readiness.py) and each service's checks,
without servers: probes against real SQLite, PostgreSQL and Redis, and
against ports where nothing listens."""

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
import redis
import sqlalchemy as sa

from iopnav.ops import metrics
from iopnav.ops.rasa_channel import rasa_checks
from iopnav.ops.readiness import (
    Check,
    Readiness,
    http_probe,
    inner_tracker_store,
    redis_probe,
    sql_probe,
)
from iopnav.services import free_port
from tests.support.databases import PG_BASE_URL, postgres_available, redis_available


@pytest.fixture(autouse=True)
def own_app_db(tmp_path, monkeypatch):
    """The Rasa checks probe the application database: a file of this test's."""
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")


def ok() -> None:
    pass


def broken() -> None:
    raise ConnectionRefusedError("127.0.0.1:5432 secret-host")


def report(readiness: Readiness):
    return asyncio.run(readiness.report())


def test_ready_when_every_required_check_passes_and_each_check_is_named():
    ready, body = report(Readiness("rasa", lambda: [Check("model", ok), Check("db", ok)]))
    assert ready and body["ready"] and body["service"] == "rasa"
    assert set(body["checks"]) == {"model", "db"}
    assert all(c["ok"] and c["ms"] >= 0 for c in body["checks"].values())


def test_a_failed_required_check_makes_it_unready_and_says_only_the_error_type():
    ready, body = report(Readiness("rasa", lambda: [Check("model", ok), Check("db", broken)]))
    assert not ready and not body["ready"]
    assert body["checks"]["db"] == {
        "ok": False,
        "ms": body["checks"]["db"]["ms"],
        "error": ("ConnectionRefusedError"),
    }
    assert "secret-host" not in str(body)  # messages can hold hosts and URLs


def test_a_failed_advisory_check_is_reported_but_keeps_it_ready():
    ready, body = report(
        Readiness("web", lambda: [Check("screen", ok), Check("rasa", broken, required=False)])
    )
    assert ready
    assert body["checks"]["rasa"]["ok"] is False and body["checks"]["rasa"]["required"] is False


def test_a_hung_probe_fails_at_its_deadline_and_is_not_started_twice():
    release, started = threading.Event(), []

    def hangs() -> None:
        started.append(1)
        release.wait(10)

    readiness = Readiness("rasa", lambda: [Check("db", hangs)], probe_seconds=0.2, reuse_seconds=0)

    async def twice():
        t0 = time.monotonic()
        first = await readiness.report()
        second = await readiness.report()
        return time.monotonic() - t0, first, second

    try:
        took, (ready1, body1), (ready2, body2) = asyncio.run(twice())
    finally:
        release.set()
    assert not ready1 and body1["checks"]["db"]["error"] == "CheckTimeout"
    assert not ready2 and body2["checks"]["db"]["error"] == "CheckTimeout"
    assert len(started) == 1, "a stuck probe must not pile up threads"
    assert took < 1.5


def test_a_report_is_reused_for_a_moment():
    calls = []
    readiness = Readiness("rasa", lambda: [Check("db", lambda: calls.append(1))])

    async def twice():
        await readiness.report()
        await readiness.report()

    asyncio.run(twice())
    assert len(calls) == 1


def test_the_check_gauge_follows_the_latest_run():
    report(Readiness("x", lambda: [Check("gauge_probe", broken)], reuse_seconds=0))
    assert metrics.CHECK_UP.labels("gauge_probe")._value.get() == 0
    report(Readiness("x", lambda: [Check("gauge_probe", ok)], reuse_seconds=0))
    assert metrics.CHECK_UP.labels("gauge_probe")._value.get() == 1


# --- probes against real services -------------------------------------------


def test_sql_probe_on_sqlite(tmp_path):
    sql_probe(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}"))()


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable")
def test_sql_probe_on_postgres_and_on_a_closed_port():
    sql_probe(sa.create_engine(PG_BASE_URL))()
    closed = sa.create_engine(
        f"postgresql://postgres@127.0.0.1:{free_port()}/test", connect_args={"connect_timeout": 2}
    )
    with pytest.raises(sa.exc.OperationalError):
        sql_probe(closed)()


@pytest.mark.skipif(not redis_available(), reason="Redis is not reachable")
def test_redis_probe_on_redis_and_on_a_closed_port():
    redis_probe(redis.Redis(host="127.0.0.1", port=6379, db=5, socket_timeout=2))()
    with pytest.raises(redis.exceptions.ConnectionError):
        redis_probe(redis.Redis(host="127.0.0.1", port=free_port(), socket_timeout=1))()


def test_http_probe_on_a_closed_port():
    with pytest.raises(OSError):
        http_probe(f"http://127.0.0.1:{free_port()}/", seconds=1)()


# --- the Rasa server's checks ---------------------------------------------------


def fake_rasa_app(loaded=True, engine=None, red=None):
    store = SimpleNamespace(engine=engine)
    agent = SimpleNamespace(
        is_ready=lambda: loaded,
        # Rasa wraps the configured store in a FailSafeTrackerStore.
        tracker_store=SimpleNamespace(_tracker_store=store),
        lock_store=SimpleNamespace(red=red) if red else SimpleNamespace(),
    )
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


def test_rasa_checks_name_model_tracker_store_lock_store_and_advisory_app_db(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    checks = {c.name: c for c in rasa_checks(fake_rasa_app(engine=engine, red=object()))}
    assert set(checks) == {"model", "tracker_store", "lock_store", "app_db"}
    assert checks["tracker_store"].required and checks["lock_store"].required
    assert not checks["app_db"].required  # flags wait in the outbox meanwhile


def test_rasa_checks_without_a_redis_lock_store_have_no_lock_check(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    names = [c.name for c in rasa_checks(fake_rasa_app(engine=engine))]
    assert "lock_store" not in names


def test_a_rasa_server_without_its_model_is_not_ready(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    app = fake_rasa_app(loaded=False, engine=engine)
    ready, body = report(Readiness("rasa", lambda: rasa_checks(app)))
    assert not ready and body["checks"]["model"]["error"] == "NotLoaded"
    no_agent = SimpleNamespace(ctx=SimpleNamespace(agent=None))
    ready, body = report(Readiness("rasa", lambda: rasa_checks(no_agent)))
    assert not ready and set(body["checks"]) == {"model", "app_db"}


def test_inner_tracker_store_unwraps_rasas_fail_safe_store():
    inner = object()
    assert inner_tracker_store(SimpleNamespace(_tracker_store=inner)) is inner
    assert inner_tracker_store(inner) is inner
